/*
 * The net workload's wire protocol with its host-side peer (bench/netpeer/).
 * A connection starts with an 8-byte hello naming the service:
 *   NET_HELLO_SINK: the peer reads until end of stream, then answers the
 *                   number of bytes it read (after the hello) as 8 bytes,
 *                   big-endian, and closes;
 *   NET_HELLO_ECHO: the peer sends back every byte it reads, until end of
 *                   stream, then closes.
 */
#ifndef WL_NET_PROTO_H
#define WL_NET_PROTO_H

#define NET_HELLO_LEN 8
#define NET_HELLO_SINK "LWNPSINK"
#define NET_HELLO_ECHO "LWNPECHO"
#define NET_DEFAULT_PORT 5310

#endif
