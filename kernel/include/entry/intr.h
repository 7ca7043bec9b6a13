/* Interrupt and exception dispatch (kernel/entry/intr.c).
 *
 * Every vector enters through a stub in kernel/entry/intr_stubs.S that
 * builds an intr_frame and calls intr_dispatch().  CPU exceptions
 * (vectors 0-31) without a registered handler print a report and panic.
 * Hardware IRQs (remapped to 32-47) are acknowledged by the dispatcher;
 * their handlers run with interrupts off and should defer long work to a
 * bottom half (bh_schedule), which runs after the hard interrupt with
 * interrupts on, before returning to the interrupted code. */
#pragma once
#include "util/types.h"
#include "util/list.h"

#define INTR_IRQ_BASE 32
#define INTR_NIRQS 16
#define INTR_SYSCALL 0x80
#define INTR_NVECTORS 256

#define IRQ_TIMER 0
#define IRQ_KEYBOARD 1
#define IRQ_COM1 4
#define IRQ_ATA_PRIMARY 14
#define IRQ_ATA_SECONDARY 15

/* Pushed by the entry stub and the CPU; field order is the stack order. */
typedef struct intr_frame {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
	uint32_t user_esp, user_ss;	/* only when coming from ring 3 */
} intr_frame_t;

typedef void (*intr_handler_t)(intr_frame_t *frame);

void intr_init(void);
/* Installs handler for a vector; panics if one is already there. */
void intr_register(int vector, intr_handler_t handler);
void intr_unregister(int vector);
void irq_register(int irq, intr_handler_t handler);
void intr_dispatch(intr_frame_t *frame);
bool intr_from_user(const intr_frame_t *frame);
const char *intr_vector_name(uint32_t vector);
/* Prints registers and a backtrace for an exception or fault. */
void intr_report(const intr_frame_t *frame, const char *what);

/* Jumps to user mode through frame (on the current kernel stack). */
void userland_enter(intr_frame_t *frame) __attribute__((noreturn));

/* Bottom halves: work run after hard interrupts with interrupts enabled. */
typedef struct bh_work {
	list_t link;
	bool pending;
	void (*fn)(void *arg);
	void *arg;
} bh_work_t;

void bh_init_work(bh_work_t *w, void (*fn)(void *), void *arg);
/* Queues w once (a second call before it runs does nothing).  Safe from
 * interrupt handlers. */
void bh_schedule(bh_work_t *w);
/* Runs every pending bottom half; called on interrupt exit. */
void bh_run_pending(void);
