/*
 * libFuzzer target: the --net spec "tap[,host=IP][,guest=IP][,prefix=N][,mtu=N][,offload=on|off]"
 * (parse_spec in pv-drivers/netback.c). The parser is static and
 * netback_open goes on to create a tap device, so the file is included here
 * and its parser called alone. An accepted spec gives two distinct host
 * addresses of one subnet.
 */
#include "netback.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netback n;
	char why[512];
	char *spec = malloc(size + 1);

	if (!spec)
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	memset(&n, 0, sizeof(n));
	if (parse_spec(&n, spec, why, sizeof(why)) == 0) {
		uint32_t host = ntohl(n.host_ip), guest = ntohl(n.guest_ip), mask = ntohl(n.netmask);
		if (host == guest || (host & mask) != (guest & mask) || (host & ~mask) == 0 ||
		    (guest & ~mask) == 0 || n.mtu < 576 || n.mtu > NET_MAX_MTU ||
		    n.vnet_hdr != (n.offload ? sizeof(struct virtio_net_hdr) : 0))
			abort();
	}
	free(spec);
	return 0;
}
