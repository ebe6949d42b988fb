/* Reference implementation of perfpilot.kernel.protocol/1 in C (see docs/kernel.md).
 *
 * The kernel: y[i] = x[i] + 0.5 * sqrt(x[i]^2 + 1) over n = PERFPILOT_DIM_N float32
 * elements, inputs drawn from PERFPILOT_SEED. Build:  cc -O2 -o kernel kernel.c -lm
 *
 * Compile-time switches change what the "candidate" variant does (the "baseline"
 * variant is always the plain kernel), so one file gives every test pair:
 *   -DEXTRA_PASS      a whole extra pass over the data (about 2x slower)
 *   -DMORE_WORK=P     P percent more elements processed (P=5: about 5% slower)
 *   -DWRONG_LAST      the last element is off by 1
 *   -DWRITE_NAN       one element is NaN
 *   -DWRITE_NOTHING   the output is never written (still holds the poison value)
 *   -DCRASH           SIGSEGV
 *   -DHANG            never returns
 *   -DCROSSOVER=N     the winner changes with size: the baseline variant does an extra
 *                     pass when n >= N, the candidate when n < N (dispatch tables)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static float *scratch; /* reachable from outside: extra passes are not dead stores */

static void kernel(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = x[i] + 0.5f * sqrtf(x[i] * x[i] + 1.0f);
}

static void baseline(const float *x, float *y, long n) {
#ifdef CROSSOVER
    if (n >= (CROSSOVER)) kernel(x, scratch, n);
#endif
    kernel(x, y, n);
}

static void candidate(const float *x, float *y, long n) {
#ifdef CROSSOVER
    if (n < (CROSSOVER)) kernel(x, scratch, n);
#endif
#ifdef CRASH
    raise(SIGSEGV);
#endif
#ifdef HANG
    for (;;) pause();
#endif
#ifdef EXTRA_PASS
    kernel(x, scratch, n);
#endif
#ifdef MORE_WORK
    kernel(x, scratch, n * (MORE_WORK) / 100);
#endif
#ifndef WRITE_NOTHING
    kernel(x, y, n);
#endif
#ifdef WRONG_LAST
    y[n - 1] += 1.0f;
#endif
#ifdef WRITE_NAN
    y[n / 2] = NAN;
#endif
    (void)x; (void)y; (void)n;
}

static long env_long(const char *name, long dflt) {
    const char *v = getenv(name);
    return (v && *v) ? strtol(v, NULL, 10) : dflt;
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int write_npy(const char *path, const float *y, long n) {
    char header[128];
    int len = snprintf(header, sizeof header,
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (%ld,), }", n);
    int total = 10 + len + 1;
    int pad = (64 - total % 64) % 64;
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    unsigned short hlen = (unsigned short)(len + pad + 1);
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc(hlen & 0xff, f);
    fputc(hlen >> 8, f);
    fwrite(header, 1, len, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    fwrite(y, sizeof(float), n, f);
    return fclose(f);
}

int main(void) {
    const char *shape = getenv("PERFPILOT_SHAPE");
    const char *variants = getenv("PERFPILOT_VARIANT");
    const char *output = getenv("PERFPILOT_OUTPUT");
    const char *poison_s = getenv("PERFPILOT_POISON");
    long n = env_long("PERFPILOT_DIM_N", 0);
    long warmups = env_long("PERFPILOT_WARMUPS", 10);
    long iterations = env_long("PERFPILOT_ITERATIONS", 200);
    uint64_t seed = (uint64_t)env_long("PERFPILOT_SEED", 1);
    float poison = poison_s ? strtof(poison_s, NULL) : -31337.0f;
    if (!shape || !variants || n <= 0) {
        fprintf(stderr, "kernel: PERFPILOT_SHAPE, PERFPILOT_VARIANT and PERFPILOT_DIM_N > 0 are required\n");
        return 2;
    }
    /* Variants, comma-separated: several alternate per iteration. */
    char vbuf[256], *names[8];
    int k = 0;
    snprintf(vbuf, sizeof vbuf, "%s", variants);
    for (char *s = strtok(vbuf, ","); s && k < 8; s = strtok(NULL, ",")) names[k++] = s;

    float *x = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
    scratch = malloc(n * sizeof(float));
    if (!x || !y || !scratch) return 3;
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (long i = 0; i < n; i++) { /* xorshift64*: inputs in [-1, 1) */
        s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
        x[i] = (float)((s * 0x2545F4914F6CDD1Dull) >> 40) / (float)(1 << 24) * 2.0f - 1.0f;
    }
    for (long i = 0; i < n; i++) y[i] = poison; /* poison before any kernel runs */

    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    /* Inner-loop amplification (KDA's target_sample_us): repeat short kernels so that
     * one sample lasts >= 100 us; time_us is per call. */
    long inner = 1;
    for (long w = 0; w < warmups * k; w++) {
        int cand = strcmp(names[w % k], "candidate") == 0;
        double t0 = now_us();
        if (cand) candidate(x, y, n); else baseline(x, y, n);
        double dt = now_us() - t0;
        if (dt > 0 && dt < 100.0 && inner < (long)(100.0 / dt) + 1) inner = (long)(100.0 / dt) + 1;
    }
    if (inner > 4096) inner = 4096;
    for (long it = 0; it < iterations * k; it++) {
        const char *v = names[it % k];
        int cand = strcmp(v, "candidate") == 0;
        double t0 = now_us();
        for (long r = 0; r < inner; r++) {
            if (cand) candidate(x, y, n); else baseline(x, y, n);
        }
        double dt = (now_us() - t0) / inner;
        printf("{\"shape\":\"%s\",\"variant\":\"%s\",\"iter\":%ld,\"time_us\":%.4f,\"timer\":\"wall\"}\n",
               shape, v, it / k, dt);
    }
    if (output && *output) {
        if (write_npy(output, y, n) != 0) { perror(output); return 4; }
        printf("{\"shape\":\"%s\",\"variant\":\"%s\",\"output\":\"%s\"}\n", shape, names[0], output);
    }
    return 0;
}
