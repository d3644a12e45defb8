/* Violation: the model may not include the store (a floor above it). */
#include "model.h"
#include "store.h"
