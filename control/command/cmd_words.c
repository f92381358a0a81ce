/*
 * cmd_words.c - a command line into words: blanks separate words; a word
 * may be "double-quoted", with \" and \\ as the only escapes inside. Words
 * are written NUL-terminated into the caller's store (as long as the line),
 * so no word is ever cut.
 */
#include <string.h>

#include "cmd_internal.h"

int cmd_split(struct cmd *c, const char *line, size_t len, char *store)
{
	size_t i = 0, o = 0;
	c->n = 0;
	for (;;) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			return 0;
		if (c->n == CTL_MAX_WORDS) {
			cmd_error(c, "more than %u words in one command", CTL_MAX_WORDS);
			return -1;
		}
		c->w[c->n++] = store + o;
		if (line[i] == '"') {
			size_t start = i++;
			while (i < len && line[i] != '"') {
				if (line[i] == '\\' && i + 1 < len && (line[i + 1] == '"' || line[i + 1] == '\\'))
					i++;
				store[o++] = line[i++];
			}
			if (i == len) {
				cmd_error(c, "the quote opened at column %zu is not closed", start + 1);
				return -1;
			}
			i++;
			if (i < len && line[i] != ' ' && line[i] != '\t') {
				cmd_error(c, "a blank must follow the quote closed at column %zu", i);
				return -1;
			}
		} else {
			while (i < len && line[i] != ' ' && line[i] != '\t') {
				if (line[i] == '"') {
					cmd_error(c, "a quote inside a word at column %zu (quote the whole word)", i + 1);
					return -1;
				}
				store[o++] = line[i++];
			}
		}
		store[o++] = '\0';
	}
}
