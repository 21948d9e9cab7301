/* idno: resident ID numbers (GB 11643-1999).  See idno.h. */
#include <stdint.h>
#include <string.h>

#include "base/date.h"
#include "domain/idno.h"
#include "base/num.h"

/* Province prefixes of GB/T 2260: 11-15, 21-23, 31-37, 41-46, 50-54,
 * 61-65. */
static int
is_province(int pp)
{
	return (pp >= 11 && pp <= 15) || (pp >= 21 && pp <= 23) ||
	       (pp >= 31 && pp <= 37) || (pp >= 41 && pp <= 46) ||
	       (pp >= 50 && pp <= 54) || (pp >= 61 && pp <= 65);
}

/* The value of the n digits at p, or -1 when they are not all digits. */
/* p[0..n), digits already checked, as a number. */
static int
num(const char *p, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*p++ - '0');
	return v;
}

char
idno_check_char(const char *d17)
{
	/* ISO 7064 MOD 11-2: weights 2^(17-i) mod 11. */
	static const int w[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	int s = 0;

	for (int i = 0; i < 17; i++)
		s += (d17[i] - '0') * w[i];
	return "10X98765432"[s % 11];
}

enum idno_err
idno_parse(const char *p, size_t n, int32_t today, struct idno *out)
{
	int32_t birth;
	char last;

	if (n != 18)
		return IDNO_LENGTH;
	for (int i = 0; i < 17; i++)
		if (!num_is_digit((unsigned char)p[i]))
			return IDNO_CHAR;
	last = p[17] == 'x' ? 'X' : p[17];
	if (!num_is_digit((unsigned char)last) && last != 'X')
		return IDNO_CHAR;
	if (!is_province(num(p, 2)))
		return IDNO_REGION;
	if (date_from_ymd(num(p + 6, 4), num(p + 10, 2), num(p + 12, 2),
			  &birth) == -1)
		return IDNO_DATE;
	if (birth > today)
		return IDNO_FUTURE;
	if (idno_check_char(p) != last)
		return IDNO_CHECK;
	if (out != NULL) {
		memcpy(out->no, p, 17);
		out->no[17] = last;
		out->no[18] = '\0';
		out->birth = birth;
		out->gender = (p[16] - '0') % 2 ? 'M' : 'F';
	}
	return IDNO_OK;
}

const char *
idno_strerror(enum idno_err err)
{
	switch (err) {
	case IDNO_OK:
		return "valid";
	case IDNO_LENGTH:
		return "not 18 characters";
	case IDNO_CHAR:
		return "not digits (last may be X)";
	case IDNO_REGION:
		return "unknown region code";
	case IDNO_DATE:
		return "birth date is not a real day";
	case IDNO_FUTURE:
		return "birth date is in the future";
	case IDNO_CHECK:
		return "bad check character";
	}
	return "unknown error";
}

int
idno_upgrade15(const char *p, size_t n, char out[19])
{
	if (n != 15)
		return -1;
	for (size_t i = 0; i < 15; i++)
		if (!num_is_digit((unsigned char)p[i]))
			return -1;
	memcpy(out, p, 6);
	out[6] = '1';
	out[7] = '9';
	memcpy(out + 8, p + 6, 9);
	out[17] = idno_check_char(out);
	out[18] = '\0';
	return 0;
}

int
idno_age(const struct idno *id, int32_t asof)
{
	return date_years_between(id->birth, asof);
}

const char *
idno_region_name(const char *no)
{
	/* 永州市 (431100) and its counties, GB/T 2260; 431121 祁阳县 became
	 * 431181 祁阳市 in 2021, and older numbers keep the old code. */
	static const struct {
		char code[7];
		const char *name;
	} yongzhou[] = {
		{ "431102", "零陵区" },
		{ "431103", "冷水滩区" },
		{ "431121", "祁阳县" },
		{ "431122", "东安县" },
		{ "431123", "双牌县" },
		{ "431124", "道县" },
		{ "431125", "江永县" },
		{ "431126", "宁远县" },
		{ "431127", "蓝山县" },
		{ "431128", "新田县" },
		{ "431129", "江华瑶族自治县" },
		{ "431181", "祁阳市" },
	};

	for (size_t i = 0; i < sizeof yongzhou / sizeof yongzhou[0]; i++)
		if (strncmp(no, yongzhou[i].code, 6) == 0)
			return yongzhou[i].name;
	return NULL;
}
