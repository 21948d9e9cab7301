/*
 * cpu: the processor features the SIMD code paths need, as the C library
 * found them when the program started.
 *
 * Not __builtin_cpu_supports(): a program that uses it links libgcc's
 * __cpu_indicator_init(), a constructor that runs a dozen CPUID
 * instructions at every start, and under a hypervisor each CPUID traps
 * (5 to 8 microseconds each here: a tenth of a millisecond of a plate
 * lookup's).  glibc (2.33 and later) has already run them for its own
 * string functions and keeps the answers (<sys/platform/x86.h>); other C
 * libraries get the builtin.
 */
#ifndef JW_CPU_H
#define JW_CPU_H

enum cpu_feature {
	CPU_AVX2, CPU_BMI1, CPU_BMI2, CPU_POPCNT
};

/* Whether the processor has f and the system lets it be used (AVX2: the
 * kernel saves the YMM registers).  0 on other architectures. */
int cpu_has(enum cpu_feature f);

#endif
