// Package fleet holds the tests of how keepalive reaches a fleet of
// machines: the Ansible collection keepalive_ssh.keepalive (in
// ansible_collections/ at the top of the repository), run with the real
// ansible-playbook, ansible-doc and ansible-galaxy, and the .deb and .rpm
// packages that `make package` builds, inspected with dpkg-deb and rpm and
// installed into a throwaway root. It has no code of its own.
package fleet
