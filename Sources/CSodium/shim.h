#ifndef SWIFT_MACAROONS_CSODIUM_SHIM_H
#define SWIFT_MACAROONS_CSODIUM_SHIM_H
#include <sodium.h>
#endif
