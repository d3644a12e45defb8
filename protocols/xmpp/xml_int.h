/* Internals of the XMPP XML layer shared by its files: the arena that
 * holds one parsed top-level element, and a UTF-8 decoder. */
#ifndef REED_XMPP_XML_INT_H
#define REED_XMPP_XML_INT_H

#include "xmpp_xml.h"

/* A chain of blocks; everything allocated from it is freed at once. The
 * first block is kept across reed__xml_arena_clear, so a stream of small
 * stanzas allocates nothing after the first. */
typedef struct reed__xml_block_s reed__xml_block_t;
typedef struct reed__xml_arena_s {
  reed__xml_block_t *head;
} reed__xml_arena_t;

void *reed__xml_arena_alloc(reed__xml_arena_t *a, size_t n);
/* A NUL-terminated copy of n bytes of s. */
char *reed__xml_arena_strndup(reed__xml_arena_t *a, const char *s, size_t n);
void reed__xml_arena_clear(reed__xml_arena_t *a);
void reed__xml_arena_free(reed__xml_arena_t *a);

/* The length of the valid UTF-8 sequence at s (at most n bytes, s[0] >=
 * 0x80), or 0 when it is not one (overlong, surrogate, past U+10FFFF,
 * truncated). *cp gets the code point. */
size_t reed__xml_utf8_seq(const uint8_t *s, size_t n, uint32_t *cp);

#endif
