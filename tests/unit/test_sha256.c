/*
 * test_sha256.c — specification of sha256 (src/util/sha256.h), on the
 * digests FIPS 180-4's examples give and on a file read in pieces.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"

static void expect_digest(const char *text, size_t repeat, const char *expected)
{
    sha256 h;
    char hex[65];
    sha256_init(&h);
    for (size_t i = 0; i < repeat; i++)
        sha256_update(&h, text, strlen(text));
    sha256_final_hex(&h, hex);
    ck_assert_str_eq(hex, expected);
}

/* Round 0: the fastest compression this CPU has (the SHA extensions where present); 1: plain C. */
START_TEST(test_digests_of_the_standard_examples)
{
    sha256_force_portable(_i == 1);
    expect_digest("", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect_digest("abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    expect_digest("a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(test_a_file_hashes_as_its_content)
{
    char path[] = "/tmp/foster-test-sha256-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    char thousand[1000];
    memset(thousand, 'a', sizeof thousand);
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(write(fd, thousand, sizeof thousand), (ssize_t)sizeof thousand);
    close(fd);
    char hex[65];
    ck_assert_int_eq(sha256_file_hex(path, hex), 0);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    unlink(path);
    ck_assert_int_eq(sha256_file_hex(path, hex), -1);
}
END_TEST

/* Both compressions agree on every length around the block size, fed in pieces. */
START_TEST(test_both_compressions_agree)
{
    unsigned char data[1000];
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)((seed = seed * 1103515245u + 12345u) >> 16);
    for (size_t length = 0; length <= sizeof data; length += length < 200 ? 1 : 37) {
        char hex[2][65];
        for (int portable = 0; portable < 2; portable++) {
            sha256_force_portable(portable);
            sha256 h;
            sha256_init(&h);
            for (size_t at = 0; at < length;) { /* pieces of 1 to 100 bytes */
                size_t piece = 1 + (length * 7 + at) % 100;
                piece = piece > length - at ? length - at : piece;
                sha256_update(&h, data + at, piece);
                at += piece;
            }
            sha256_final_hex(&h, hex[portable]);
        }
        ck_assert_msg(strcmp(hex[0], hex[1]) == 0, "length %zu: %s vs %s", length, hex[0], hex[1]);
    }
    sha256_force_portable(false);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("sha256");
    TCase *digests = tcase_create("digests");
    tcase_add_loop_test(digests, test_digests_of_the_standard_examples, 0, 2);
    tcase_add_test(digests, test_both_compressions_agree);
    tcase_add_test(digests, test_a_file_hashes_as_its_content);
    suite_add_tcase(suite, digests);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? 1 : 0;
}
