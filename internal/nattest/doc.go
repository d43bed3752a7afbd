// Package nattest proves what keepalive is for, behind a real NAT: it builds
// a client, a router and a server network namespace joined by veth pairs,
// makes the router a masquerading NAT that forgets a TCP flow after a few
// idle seconds and drops its next packet, runs a real sshd in the server
// namespace, and checks that an idle ssh or plink session dies there
// without keep-alives and survives with the ones `keepalive enable`,
// `keepalive server` and `keepalive putty` set; and that `keepalive probe`
// measures the router's timeout.
//
// The package holds nothing but this comment and its tests, which need
// Linux, root, iproute2, iptables and OpenSSH and PuTTY's tools. Without
// them the tests skip, or fail under CI=true. All traffic stays inside the
// namespaces the tests create (10.200.1.0/24 client-router, 10.200.2.0/24
// router-server), which they delete afterwards, with every process in them.
package nattest
