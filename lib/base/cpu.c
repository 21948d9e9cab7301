/* cpu: the processor's features, from the C library's answers.  See
 * cpu.h. */
/* <stdlib.h> for __GLIBC__ (features.h). */
#include <stdlib.h>

#include "base/cpu.h"

#if defined(__x86_64__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <sys/platform/x86.h>
#define CPU_GLIBC 1
#endif

int
cpu_has(enum cpu_feature f)
{
#if defined(CPU_GLIBC)
	switch (f) {
	case CPU_AVX2: return CPU_FEATURE_ACTIVE(AVX2) != 0;
	case CPU_BMI1: return CPU_FEATURE_ACTIVE(BMI1) != 0;
	case CPU_BMI2: return CPU_FEATURE_ACTIVE(BMI2) != 0;
	case CPU_POPCNT: return CPU_FEATURE_ACTIVE(POPCNT) != 0;
	}
	return 0;
#elif defined(__x86_64__) && defined(__GNUC__)
	switch (f) {
	case CPU_AVX2: return __builtin_cpu_supports("avx2") != 0;
	case CPU_BMI1: return __builtin_cpu_supports("bmi") != 0;
	case CPU_BMI2: return __builtin_cpu_supports("bmi2") != 0;
	case CPU_POPCNT: return __builtin_cpu_supports("popcnt") != 0;
	}
	return 0;
#else
	(void)f;
	return 0;
#endif
}
