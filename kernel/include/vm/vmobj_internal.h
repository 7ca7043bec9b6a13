/* Shared by kernel/vm/anon.c and kernel/vm/shadow.c: reference counts
 * under vmobj_lock and the live-object counter. */
#pragma once
#include "mm/mmobj.h"
#include "mm/page.h"

void vmobj_ref(mmobj_t *o);
/* Drops a reference; true if others remain (false: the caller frees). */
bool vmobj_unref(mmobj_t *o);
void vmobj_remember(mmobj_t *o);
void vmobj_forget(mmobj_t *o);
