/*
 * sha256.h — SHA-256 (FIPS 180-4), for keys that must change whenever the
 * content they stand for does (the template cache: a changed fixture or
 * schema file is never served stale). Not for secrets.
 */
#ifndef FOSTER_SHA256_H
#define FOSTER_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    unsigned char block[64];
    size_t used; /* bytes in `block` */
} sha256;

void sha256_init(sha256 *h);
void sha256_update(sha256 *h, const void *data, size_t size);
/* Writes the digest as 64 lowercase hex digits and a NUL into `hex`. */
void sha256_final_hex(sha256 *h, char hex[65]);

/* For the tests: plain C even where the CPU has the SHA extensions (true), or the fastest. */
void sha256_force_portable(bool portable);

/* The digest of the file at `path` into `hex`; 0, or -1 with errno when it cannot be read. */
int sha256_file_hex(const char *path, char hex[65]);

#endif
