/* PCI configuration space through the legacy mechanism #1 ports
 * (kernel/drivers/pci.c): enough to find a device by vendor and device
 * id or by class, read its BARs and turn on bus mastering. */
#pragma once
#include "util/types.h"

#define PCI_MAX_BUS 256
#define PCI_MAX_SLOT 32
#define PCI_MAX_FUNC 8

/* Configuration-space offsets. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0A		/* class << 8 | subclass */
#define PCI_HEADER_TYPE 0x0E
#define PCI_BAR0 0x10
#define PCI_BAR_STRIDE 4

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MASTER 0x4
#define PCI_BAR_IO 0x1			/* bit 0: an I/O-space BAR */
#define PCI_BAR_IO_MASK 0xFFFFFFFCu
#define PCI_HEADER_MULTIFUNC 0x80
#define PCI_VENDOR_NONE 0xFFFF

typedef struct pci_addr {
	uint8_t bus, slot, func;
} pci_addr_t;

uint32_t pci_read32(pci_addr_t a, uint8_t off);
uint16_t pci_read16(pci_addr_t a, uint8_t off);
uint8_t pci_read8(pci_addr_t a, uint8_t off);
void pci_write16(pci_addr_t a, uint8_t off, uint16_t v);
/* Finds the first function with this vendor and device id; false if none. */
bool pci_find_device(uint16_t vendor, uint16_t device, pci_addr_t *out);
/* Finds the first function of this class and subclass. */
bool pci_find_class(uint8_t class, uint8_t subclass, pci_addr_t *out);
/* The I/O port base of BAR n, or 0 if it is not an assigned I/O BAR. */
uint16_t pci_io_bar(pci_addr_t a, int n);
