# The guest's TCP/IP stack: lwIP's core (fetched by fetch-lwip.sh into
# build/lwip/, the tarball cached in ~/.cache/lwvmm) plus the glue in this
# folder, compiled into the built-in guest through lwvmm/guest/build.mk's
# GUEST_EXTRA_SRCS/GUEST_EXTRA_CFLAGS hook. The top Makefile includes this
# file before the guest's, so these variables are set when it reads them.
# A failed fetch fails the build with one message saying why (README.md).
NET_DIR      := lwvmm/guest/net
LWIP_VERSION := 2.1.3
LWIP_DIR     := $(BUILD)/lwip/lwip-$(LWIP_VERSION)
LWIP_STAMP   := $(LWIP_DIR)/.unpacked
# NO_SYS core, IPv4, ARP/Ethernet, ICMP, TCP: what lwipopts.h enables.
LWIP_SRCS    := $(addprefix $(LWIP_DIR)/src/,core/init.c core/def.c core/inet_chksum.c \
	core/ip.c core/mem.c core/memp.c core/netif.c core/pbuf.c core/tcp.c core/tcp_in.c \
	core/tcp_out.c core/timeouts.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
	core/ipv4/ip4_addr.c netif/ethernet.c)
NET_GLUE_SRCS := $(addprefix $(NET_DIR)/,lwnet.c wl_tcp_lwip.c lwip_port.c)

GUEST_EXTRA_SRCS   += $(LWIP_SRCS) $(NET_GLUE_SRCS)
GUEST_EXTRA_CFLAGS += -I$(NET_DIR) -I$(LWIP_DIR)/src/include

$(LWIP_STAMP): $(NET_DIR)/fetch-lwip.sh
	$(NET_DIR)/fetch-lwip.sh $(LWIP_DIR)
	touch $@

# lwIP's sources and headers exist once the tarball is unpacked.
$(LWIP_SRCS): | $(LWIP_STAMP) ;
$(patsubst %.c,$(BUILD)/guest/%.o,$(NET_GLUE_SRCS)): | $(LWIP_STAMP)

.PHONY: lwip-fetch
lwip-fetch: $(LWIP_STAMP)
