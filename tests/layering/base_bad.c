/* Violation: base may not include the model. */
#include "base.h"
#include "model.h"
