/*
 * standalone_main.c — runs a libFuzzer target without libFuzzer: each
 * argument is a file, or a directory whose files (recursively) are fed, one
 * by one, to LLVMFuzzerTestOneInput. Built with the ordinary compiler, this
 * replays the saved crash inputs (tests/fuzz/regressions/) and the seed
 * corpora as part of `meson test`. Exits 0 when every input ran; a crash is
 * the target aborting (or the sanitizers stopping it).
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, size_t *inputs)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        return -1;
    }
    size_t capacity = 4096;
    size_t size = 0;
    uint8_t *data = malloc(capacity);
    if (!data) {
        fclose(file);
        return -1;
    }
    size_t got;
    while ((got = fread(data + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) {
            uint8_t *bigger = realloc(data, capacity * 2);
            if (!bigger) {
                free(data);
                fclose(file);
                return -1;
            }
            data = bigger;
            capacity *= 2;
        }
    }
    int failed = ferror(file);
    fclose(file);
    if (failed) {
        perror(path);
        free(data);
        return -1;
    }
    /* An exact-size copy, so that reading past the end is caught by ASan. */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) {
        free(data);
        return -1;
    }
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    (*inputs)++;
    return 0;
}

static int run_path(const char *path, size_t *inputs)
{
    struct stat info;
    if (stat(path, &info) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(info.st_mode))
        return run_file(path, inputs);

    struct dirent **entries;
    int count = scandir(path, &entries, NULL, alphasort);
    if (count < 0) {
        perror(path);
        return -1;
    }
    int result = 0;
    for (int i = 0; i < count; i++) {
        const char *name = entries[i]->d_name;
        if (result == 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            size_t length = strlen(path) + 1 + strlen(name) + 1;
            char *child = malloc(length);
            if (!child) {
                result = -1;
            } else {
                snprintf(child, length, "%s/%s", path, name);
                result = run_path(child, inputs);
                free(child);
            }
        }
        free(entries[i]);
    }
    free(entries);
    return result;
}

int main(int argc, char **argv)
{
    size_t inputs = 0;
    for (int i = 1; i < argc; i++)
        if (run_path(argv[i], &inputs) != 0)
            return EXIT_FAILURE;
    printf("%s: %zu inputs, no crash\n", argc > 0 ? argv[0] : "fuzz", inputs);
    return EXIT_SUCCESS;
}
