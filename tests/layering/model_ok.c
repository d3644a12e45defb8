/* Control: the model's own header and base's, through reed_model. */
#include "base.h"
#include "model.h"

int layering_model_ok(void);
int
layering_model_ok(void)
{
  return REED_NICK_MAX;
}
