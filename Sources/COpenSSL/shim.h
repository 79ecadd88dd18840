#ifndef SWIFT_MACAROONS_COPENSSL_SHIM_H
#define SWIFT_MACAROONS_COPENSSL_SHIM_H

// The HMAC chain is composed over the low-level SHA256_Init/Update/Final API,
// which OpenSSL 3 deprecates: measured on this project's machines it is about
// 1.4x faster per HMAC than EVP_DigestInit_ex2/Update/Final_ex with a
// fetched-once EVP_MD and reused contexts (Benchmarks/openssl/evp-bench.c;
// figures in Specs/cryptography.md). Silence the deprecation warnings ...
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/opensslconf.h>
#include <openssl/macros.h>

// ... but fail loudly, not silently, on an OpenSSL built without them.
#if defined(OPENSSL_NO_DEPRECATED_3_0)
#error "swift-macaroons needs OpenSSL's SHA256_Init/Update/Final, which this OpenSSL was built without (no-deprecated / OPENSSL_NO_DEPRECATED_3_0). Use an OpenSSL 3 built with its default options; see Specs/cryptography.md."
#endif

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#endif
