/* Violation: auth may not include the protocol interface above it. */
#include "auth.h"
#include "proto.h"
