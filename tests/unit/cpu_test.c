/* Unit tests for lib/base/cpu.c: the C library's answers are the
 * compiler's (libgcc runs its own CPUID here, in the test only). */
#include <criterion/criterion.h>

#include "base/cpu.h"

#if defined(__x86_64__) && defined(__GNUC__)
Test(cpu, agrees_with_libgcc)
{
	cr_expect_eq(cpu_has(CPU_AVX2), __builtin_cpu_supports("avx2") != 0);
	cr_expect_eq(cpu_has(CPU_BMI1), __builtin_cpu_supports("bmi") != 0);
	cr_expect_eq(cpu_has(CPU_BMI2), __builtin_cpu_supports("bmi2") != 0);
	cr_expect_eq(cpu_has(CPU_POPCNT),
		     __builtin_cpu_supports("popcnt") != 0);
}
#endif

Test(cpu, answers_are_0_or_1)
{
	enum cpu_feature f[] = { CPU_AVX2, CPU_BMI1, CPU_BMI2, CPU_POPCNT };
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		cr_expect(cpu_has(f[i]) == 0 || cpu_has(f[i]) == 1,
			  "feature %zu: %d", i, cpu_has(f[i]));
}
