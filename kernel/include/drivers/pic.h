/* The two cascaded 8259A interrupt controllers (kernel/drivers/pic.c),
 * remapped so IRQ 0-15 arrive on vectors 32-47. */
#pragma once
#include "util/types.h"
void pic_init(void);
void pic_eoi(int irq);
void pic_mask(int irq);
void pic_unmask(int irq);
/* True if the IRQ is spurious (IRQ 7 or 15 with no in-service bit). */
bool pic_is_spurious(int irq);
