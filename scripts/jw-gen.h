/*
 * jw-gen.h: what the parts of jw-gen share: the random numbers every
 * generator draws from (splitmix64, no rand(), no clock), the entry points
 * of the generators in their own files, and jw-gen.c's output helpers.
 */
#ifndef JW_GEN_H
#define JW_GEN_H

#include <stdint.h>

static inline uint64_t
gen_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* splitmix64: one state word, good enough for a per-person stream. */
static inline uint64_t
gen_next(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return gen_mix64(*s);
}

/* A number in [0, n), from the high bits (Lemire's multiply, no loop). */
static inline uint32_t
gen_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((gen_next(s) >> 32) * (uint64_t)n) >> 32);
}

int gen_cases_main(int argc, char *argv[]);	/* jw-gen-cases.c */
int gen_answers_main(int argc, char *argv[]);	/* jw-gen-answers.c */
int gen_traffic_main(int argc, char *argv[]);	/* jw-gen-traffic.c */
void gen_write_failed(void) __attribute__((noreturn));	/* jw-gen.c */
void gen_finish_stdout(void);			/* jw-gen.c */

#endif
