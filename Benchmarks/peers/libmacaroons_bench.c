/* Decode + verify with libmacaroons 0.3.0 (Debian libmacaroons-dev).
 * Reads the token file written by PeerComparison (one case per line:
 * name TAB secret-hex TAB v1-token TAB predicate-hex,predicate-hex,...)
 * and prints one JSON line per case: {"scenario","implementation","ns_per_op"}. */
#include <macaroons.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t unhex(const char *hex, size_t length, unsigned char *out) {
    for (size_t i = 0; i + 1 < length; i += 2) sscanf(hex + i, "%2hhx", &out[i / 2]);
    return length / 2;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv) {
    FILE *file = fopen(argv[1], "r");
    if (!file) { perror(argv[1]); return 2; }
    static char line[1 << 20];
    while (fgets(line, sizeof line, file)) {
        line[strcspn(line, "\n")] = 0;
        char *name = strtok(line, "\t"), *secret_hex = strtok(NULL, "\t"), *token = strtok(NULL, "\t");
        char *predicates = strtok(NULL, "\t");
        unsigned char secret[256];
        size_t secret_length = unhex(secret_hex, strlen(secret_hex), secret);
        enum macaroon_returncode err;
        struct macaroon_verifier *verifier = macaroon_verifier_create();
        for (char *p = predicates ? strtok(predicates, ",") : NULL; p; p = strtok(NULL, ",")) {
            unsigned char predicate[4096];
            size_t length = unhex(p, strlen(p), predicate);
            macaroon_verifier_satisfy_exact(verifier, predicate, length, &err);
        }
        double best = 1e18;
        for (int run = 0; run < 5; run++) {
            long iterations = 0;
            double start = now_ns(), elapsed;
            do {
                for (int i = 0; i < 100; i++) {
                    struct macaroon *m = macaroon_deserialize(token, &err);
                    if (!m || macaroon_verify(verifier, m, secret, secret_length, NULL, 0, &err) != 0) {
                        fprintf(stderr, "libmacaroons failed on %s (%d)\n", name, err);
                        return 1;
                    }
                    macaroon_destroy(m);
                }
                iterations += 100;
                elapsed = now_ns() - start;
            } while (elapsed < 2e8);
            if (elapsed / iterations < best) best = elapsed / iterations;
        }
        printf("{\"scenario\":\"%s\",\"implementation\":\"libmacaroons\",\"ns_per_op\":%.0f}\n", name, best);
        macaroon_verifier_destroy(verifier);
    }
    return 0;
}
