/*
 * PCI configuration access, mechanism #1: write the function's address to
 * CONFIG_ADDRESS (0xCF8), then read or write the dword at CONFIG_DATA
 * (0xCFC).  The two steps must not interleave with another access, so
 * pci_lock protects the address/data pair.  Narrower reads and writes are
 * done on the containing dword.  Device discovery is a brute-force scan of
 * every bus, slot and function (function 0 first; the others only for
 * multifunction devices); it runs at boot only.
 */
#include "drivers/pci.h"
#include "main/io.h"
#include "util/spinlock.h"

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA 0xCFC
#define PCI_CONFIG_ENABLE 0x80000000u
#define PCI_BUS_SHIFT 16
#define PCI_SLOT_SHIFT 11
#define PCI_FUNC_SHIFT 8
#define PCI_DWORD_MASK 0xFC
#define BITS_PER_BYTE 8
#define PCI_WORD_IN_DWORD 2	/* offset bit selecting the high word */
#define PCI_BYTE_IN_DWORD 3	/* offset bits selecting a byte */

static spinlock_t pci_lock = SPINLOCK_INIT("PCI config address/data ports");

static uint32_t config_address(pci_addr_t a, uint8_t off)
{
	return PCI_CONFIG_ENABLE | (uint32_t)a.bus << PCI_BUS_SHIFT |
	       (uint32_t)a.slot << PCI_SLOT_SHIFT | (uint32_t)a.func << PCI_FUNC_SHIFT |
	       (off & PCI_DWORD_MASK);
}

uint32_t pci_read32(pci_addr_t a, uint8_t off)
{
	spin_lock(&pci_lock);
	outl(PCI_CONFIG_ADDRESS, config_address(a, off));
	uint32_t v = inl(PCI_CONFIG_DATA);
	spin_unlock(&pci_lock);
	return v;
}

uint16_t pci_read16(pci_addr_t a, uint8_t off)
{
	return (uint16_t)(pci_read32(a, off) >> ((off & PCI_WORD_IN_DWORD) * BITS_PER_BYTE));
}

uint8_t pci_read8(pci_addr_t a, uint8_t off)
{
	return (uint8_t)(pci_read32(a, off) >> ((off & PCI_BYTE_IN_DWORD) * BITS_PER_BYTE));
}

void pci_write16(pci_addr_t a, uint8_t off, uint16_t v)
{
	unsigned shift = (off & PCI_WORD_IN_DWORD) * BITS_PER_BYTE;
	spin_lock(&pci_lock);
	outl(PCI_CONFIG_ADDRESS, config_address(a, off));
	uint32_t d = inl(PCI_CONFIG_DATA);
	d = (d & ~((uint32_t)UINT16_MAX << shift)) | (uint32_t)v << shift;
	outl(PCI_CONFIG_DATA, d);
	spin_unlock(&pci_lock);
}

/* Calls match on every present function until it returns true. */
static bool pci_scan(bool (*match)(pci_addr_t, const void *), const void *arg,
		     pci_addr_t *out)
{
	for (int bus = 0; bus < PCI_MAX_BUS; bus++) {
		for (int slot = 0; slot < PCI_MAX_SLOT; slot++) {
			pci_addr_t a = { (uint8_t)bus, (uint8_t)slot, 0 };
			if (pci_read16(a, PCI_VENDOR_ID) == PCI_VENDOR_NONE)
				continue;
			int nfunc = (pci_read8(a, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNC)
				? PCI_MAX_FUNC : 1;
			for (int f = 0; f < nfunc; f++) {
				a.func = (uint8_t)f;
				if (pci_read16(a, PCI_VENDOR_ID) == PCI_VENDOR_NONE)
					continue;
				if (match(a, arg)) {
					*out = a;
					return true;
				}
			}
		}
	}
	return false;
}

static bool match_id(pci_addr_t a, const void *arg)
{
	const uint16_t *id = arg;
	return pci_read16(a, PCI_VENDOR_ID) == id[0] && pci_read16(a, PCI_DEVICE_ID) == id[1];
}

static bool match_class(pci_addr_t a, const void *arg)
{
	return pci_read16(a, PCI_CLASS_DEVICE) == *(const uint16_t *)arg;
}

bool pci_find_device(uint16_t vendor, uint16_t device, pci_addr_t *out)
{
	uint16_t id[2] = { vendor, device };
	return pci_scan(match_id, id, out);
}

bool pci_find_class(uint8_t class, uint8_t subclass, pci_addr_t *out)
{
	uint16_t cls = (uint16_t)(class << BITS_PER_BYTE | subclass);
	return pci_scan(match_class, &cls, out);
}

uint16_t pci_io_bar(pci_addr_t a, int n)
{
	uint32_t bar = pci_read32(a, (uint8_t)(PCI_BAR0 + n * PCI_BAR_STRIDE));
	if (!(bar & PCI_BAR_IO))
		return 0;
	return (uint16_t)(bar & PCI_BAR_IO_MASK);
}
