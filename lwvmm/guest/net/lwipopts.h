/*
 * lwIP's configuration for the built-in guest (lwvmm/guest/net/README.md):
 * no operating system (NO_SYS: one thread polls the stack), the raw callback
 * API only, IPv4 with ARP over Ethernet, TCP and ICMP (ping), a static
 * address from the boot information (no DHCP), lwIP's own heap and pools in
 * the image's bss. Windows and buffers are sized for bulk transfers over the
 * link to the host, whose MTU is large (65521 unless --net gives mtu=N): a
 * segment is a frame of up to 64 KiB, as the host's TSO/GRO segments are.
 */
#ifndef LWVMM_LWIPOPTS_H
#define LWVMM_LWIPOPTS_H

#define NO_SYS                  1
#define SYS_LIGHTWEIGHT_PROT    0
#define LWIP_NETCONN            0
#define LWIP_SOCKET             0
#define LWIP_TIMERS             1

/* Memory: lwIP's heap (MEM_SIZE bytes) and fixed pools, all static. */
#define MEM_LIBC_MALLOC         0
#define MEMP_MEM_MALLOC         0
#define MEM_ALIGNMENT           8
#define MEM_SIZE                (12 * 1024 * 1024)  /* the send buffer, received large frames */
/* The heap comes from the guest's allocator when the network comes up (lwnet.c), not from
 * the image's bss: workloads without a network do not pay its 12 MiB of guest RAM. */
extern void *lwnet_heap;
#define LWIP_RAM_HEAP_POINTER   lwnet_heap
#define LWNET_HEAP_BYTES        (MEM_SIZE + 4096)
#define MEMP_NUM_PBUF           64
#define MEMP_NUM_TCP_PCB        8
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define MEMP_NUM_TCP_SEG        1024
/* receive buffers for frames of a 1500-byte MTU; larger frames come from the heap */
#define PBUF_POOL_SIZE          512
#define PBUF_POOL_BUFSIZE       1536

/* Protocols. */
#define LWIP_IPV4               1
#define LWIP_IPV6               0
#define LWIP_ARP                1
#define ARP_QUEUEING            1     /* the first SYN waits for the ARP reply instead of being dropped */
#define LWIP_ETHERNET           1
#define LWIP_ICMP               1
#define LWIP_RAW                0
#define LWIP_UDP                0
#define LWIP_TCP                1
#define LWIP_DHCP               0
#define LWIP_AUTOIP             0
#define LWIP_IGMP               0
#define LWIP_DNS                0
#define IP_REASSEMBLY           0
#define IP_FRAG                 0
#define LWIP_SINGLE_NETIF       1
#define LWIP_NETIF_LOOPBACK     0
#define LWIP_HAVE_LOOPIF        0
#define LWIP_CHKSUM_ALGORITHM   3
/* lwnet.c turns TCP checksums off on the interface where the device offloads them */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1

/* TCP: segments as large as the largest MTU (lwIP takes the interface's MTU
 * into account, TCP_CALCULATE_EFF_SEND_MSS), window scaling, send buffer for
 * bulk transfers. */
#define TCP_MSS                 (65521 - 40)
#define LWIP_WND_SCALE          1
#define TCP_RCV_SCALE           5
#define TCP_WND                 (1024 * 1024)
#define TCP_SND_BUF             (2 * 1024 * 1024)
#define TCP_SND_QUEUELEN        1024
#define TCP_SNDLOWAT            (16 * TCP_MSS)  /* lwIP keeps this below 64 KiB */
#define TCP_SNDQUEUELOWAT       (TCP_SND_QUEUELEN / 2)
#define TCP_QUEUE_OOSEQ         1
/* Two of lwIP's build-time checks assume small segments and frames in the pool
 * only: TCP_SNDLOWAT "4 MSS below 64 KiB" (no value passes with a 64 KiB MSS;
 * it only paces the sent callback, which the guest does not use) and TCP_WND
 * within the pool (large frames are copied into heap pbufs, lwnet.c). */
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1
#define TCP_OVERSIZE            TCP_MSS
#define LWIP_TCP_TIMESTAMPS     0

/* No statistics inside lwIP: the front end counts frames. No debug output (LWIP_DEBUG unset). */
#define LWIP_STATS              0

#endif
