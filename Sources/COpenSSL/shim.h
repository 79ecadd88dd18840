#ifndef SWIFT_MACAROONS_COPENSSL_SHIM_H
#define SWIFT_MACAROONS_COPENSSL_SHIM_H

// The low-level SHA256_Init/Update/Final API is deprecated in OpenSSL 3 but is
// the fastest allocation-free path to compose HMAC over (see BUILD-NOTES).
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#endif
