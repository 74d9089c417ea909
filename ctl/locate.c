/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Finding the line of a field in a configuration file.  cJSON keeps no
 * positions, so a refusal such as "ports[2].vlan.vid: ..." is mapped back
 * to the text by walking it along the path: object keys by name, array
 * elements by index.  The text has already been parsed successfully, so the
 * walker only needs to skip well-formed values.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_priv.h"

static const char *
vs_loc_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* p at a '"': returns just past the closing quote. */
static const char *
vs_loc_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/* Skips any value; returns the position after it. */
static const char *
vs_loc_skip(const char *p)
{
	int depth = 0;

	p = vs_loc_ws(p);
	if (*p == '"')
		return vs_loc_string(p);
	if (*p != '{' && *p != '[') {
		while (*p && *p != ',' && *p != '}' && *p != ']' && !isspace((unsigned char)*p))
			p++;
		return p;
	}
	for (; *p; p++) {
		if (*p == '"') {
			p = vs_loc_string(p) - 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p + 1;
		}
	}
	return p;
}

/* In the object at p, the value of key (klen bytes), or NULL. */
static const char *
vs_loc_member(const char *p, const char *key, size_t klen)
{
	p = vs_loc_ws(p);
	if (*p != '{')
		return NULL;
	p = vs_loc_ws(p + 1);
	while (*p == '"') {
		const char *k = p + 1, *end = vs_loc_string(p);

		p = vs_loc_ws(end);
		if (*p != ':')
			return NULL;
		if ((size_t)(end - 1 - k) == klen && strncmp(k, key, klen) == 0)
			return vs_loc_ws(p + 1);
		p = vs_loc_ws(vs_loc_skip(p + 1));
		if (*p == ',')
			p = vs_loc_ws(p + 1);
	}
	return NULL;
}

/* In the array at p, element idx, or NULL. */
static const char *
vs_loc_element(const char *p, unsigned long idx)
{
	p = vs_loc_ws(p);
	if (*p != '[')
		return NULL;
	p = vs_loc_ws(p + 1);
	while (*p && *p != ']') {
		if (idx-- == 0)
			return p;
		p = vs_loc_ws(vs_loc_skip(p));
		if (*p == ',')
			p = vs_loc_ws(p + 1);
	}
	return NULL;
}

unsigned int
vs_ctl_locate_line(const char *text, const char *path)
{
	const char *at = vs_loc_ws(text), *p = path, *best = at, *q;
	unsigned int line = 1;

	if (strncmp(p, "config", 6) == 0 && (p[6] == '.' || p[6] == ':'))
		p += 6 + (p[6] == '.');
	while (*p && *p != ':' && *p != ' ' && at != NULL) {
		if (*p == '[') {
			char *end;
			unsigned long idx = strtoul(p + 1, &end, 10);

			if (*end != ']')
				break;
			at = vs_loc_element(at, idx);
			p = end + 1;
		} else {
			size_t n = strcspn(p, ".[: ");

			at = vs_loc_member(at, p, n);
			p += n;
		}
		if (at != NULL)
			best = at;
		if (*p == '.')
			p++;
	}
	for (q = text; q < best; q++)
		line += *q == '\n';
	return line;
}
