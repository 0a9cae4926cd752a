/* The guest's console front end (consif.h): output over a ring, or by hypercall before it exists. */
#ifndef PV_CONSFRONT_H
#define PV_CONSFRONT_H

#include <stdint.h>

/* Attaches the console ring when the VM has a console device (device 0). */
void consfront_init(void);

/* Writes `len` bytes; safe from every vCPU. */
void consfront_write(const char *p, uint32_t len);

#endif
