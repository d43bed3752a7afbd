#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) the keepalive authors
# MIT License (see LICENSE in the keepalive repository or https://opensource.org/licenses/MIT)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


DOCUMENTATION = r'''
---
module: keepalive
short_description: Turn SSH keep-alives on or off in OpenSSH and PuTTY configs
version_added: "0.1.0"
description:
  - Sets C(ServerAliveInterval) and C(ServerAliveCountMax) in an OpenSSH client config
    (C(~/.ssh/config) or C(/etc/ssh/ssh_config)), C(ClientAliveInterval) and
    C(ClientAliveCountMax) in the OpenSSH server config (C(/etc/ssh/sshd_config)), or the
    keep-alive of PuTTY saved sessions; or removes them again with I(state=absent).
  - The work is done by the C(keepalive) command on the managed host, which must be installed
    (from the .deb or .rpm package, a release binary, or C(go install)). The module runs it with
    C(--json) and reports what it did. Every line keepalive does not change keeps its bytes; a
    server config is checked with C(sshd -t) before it replaces the old one.
  - In check mode keepalive runs with C(--check) and writes nothing; C(changed) says whether a
    run would change something. With C(--diff) the unified diff of the change is shown.
  - A second run with the same options reports C(changed=false) and writes nothing.
author:
  - keepalive authors (@keepalive-ssh)
requirements:
  - keepalive (the command) on the managed host
  - sshd on the managed host for I(target=server) unless I(validate=false)
options:
  target:
    description:
      - What to configure.
      - C(client) is the OpenSSH client config (C(keepalive enable)), C(server) the OpenSSH
        server config (C(keepalive server)), C(putty) PuTTY saved sessions (C(keepalive putty)).
    type: str
    choices: [client, server, putty]
    default: client
  state:
    description:
      - C(present) sets the keep-alive values.
      - C(absent) removes the keep-alive lines that C(present) added (C(keepalive disable));
        a file that had no keep-alive lines before is restored byte for byte.
        I(interval) and I(count) are not used then.
    type: str
    choices: [present, absent]
    default: present
  interval:
    description:
      - Seconds between keep-alives, as a number (C(300)) or an OpenSSH time (C(5m), C(1m30s)).
      - When omitted, keepalive's own default applies (C(keepalive COMMAND --help) shows it).
    type: raw
  count:
    description:
      - Unanswered keep-alives before the session is dropped (C(ServerAliveCountMax) or
        C(ClientAliveCountMax)).
      - When omitted, it is not passed and keepalive's own rules apply.
      - Not for I(target=putty), which has no such setting.
    type: int
  host:
    description:
      - The C(Host) pattern the client settings are for (C(--host)); keepalive's default is
        every host (C(*)).
      - Only for I(target=client).
    type: str
  match:
    description:
      - The criteria of the C(Match) block the server settings are for, such as C(Group sftp)
        (C(--match)). When omitted the settings are global.
      - Only for I(target=server).
    type: str
  scope:
    description:
      - Which client config to edit, C(user) (C(~/.ssh/config) of the user the task runs as,
        or of C(SUDO_USER)) or C(system) (C(/etc/ssh/ssh_config)).
      - When omitted, keepalive edits the user's config.
      - Only for I(target=client).
    type: str
    choices: [user, system]
  path:
    description:
      - Edit this config file instead of the default one (C(--file)).
      - Not for I(target=putty).
    type: path
  reload:
    description:
      - After a change, make the running sshd read its config (C(--reload)); sshd is never
        restarted.
      - Only for I(target=server).
    type: bool
    default: false
  validate:
    description:
      - Check the new server config with C(sshd -t) before it replaces the old one. A config
        sshd rejects is not written and the task fails with sshd's message.
      - C(false) passes C(--no-validate), for machines without sshd.
      - Only I(target=server) validates; C(false) with another target is an error.
    type: bool
    default: true
  drop_in:
    description:
      - Write the server settings into C(sshd_config.d/00-keepalive.conf) instead of
        C(sshd_config) (C(--drop-in)).
      - Only for I(target=server). With I(state=absent) it is not used, since keepalive finds the
        lines wherever they are, the drop-in included.
    type: bool
    default: false
  session:
    description:
      - Only these PuTTY saved sessions (C(--session), as PuTTY shows their names). When
        omitted, every saved session and C(Default Settings).
      - Only for I(target=putty).
    type: list
    elements: str
  backup:
    description:
      - Keep the previous file as C(FILE.keepalive.bak) (C(--backup)); an earlier backup is never overwritten, the new one is then C(FILE.keepalive.bak.1), C(.2), and so on.
    type: bool
    default: false
  binary:
    description:
      - The keepalive program to run, a path or a name looked up in C(PATH) (and the sbin
        directories).
      - When omitted, C(keepalive) is looked up in C(PATH).
    type: path
attributes:
  check_mode:
    support: full
    description: Runs keepalive with C(--check); nothing is written.
  diff_mode:
    support: full
    description: Returns keepalive's unified diff of the change.
  platform:
    support: full
    platforms: posix
    description: Linux and other POSIX systems where keepalive runs.
notes:
  - Editing C(/etc/ssh) needs root, so use C(become) for I(target=server) and I(scope=system).
  - keepalive refuses a change that would not take effect (for example when an earlier line
    still shadows the new value); the task then fails with keepalive's message, which names
    the C(path:line) and what to do.
seealso:
  - name: keepalive README
    description: What keepalive does, where an edit goes, and its guarantees.
    link: https://github.com/keepalive-ssh/keepalive
'''

EXAMPLES = r'''
- name: Keep idle SSH sessions alive, for every host, system-wide
  become: true
  keepalive_ssh.keepalive.keepalive:
    scope: system
    interval: 120

- name: Shorter keep-alives for hosts behind mobile NATs
  become: true
  keepalive_ssh.keepalive.keepalive:
    scope: system
    host: "{{ item }}"
    interval: 20
    count: 3
  loop:
    - "*.mobile.example.com"
    - "edge-??.example.net"

- name: Server keep-alives, checked with sshd -t, then reload sshd
  become: true
  keepalive_ssh.keepalive.keepalive:
    target: server
    interval: 1m
    reload: true

- name: Server keep-alives for one Match block only
  become: true
  keepalive_ssh.keepalive.keepalive:
    target: server
    match: Group sftp
    interval: 60

- name: A config file of its own, on a machine without sshd
  keepalive_ssh.keepalive.keepalive:
    target: server
    path: /srv/image/etc/ssh/sshd_config
    validate: false

- name: PuTTY sessions of the user the task runs as
  keepalive_ssh.keepalive.keepalive:
    target: putty
    session:
      - my server
    interval: 60

- name: Undo - remove the client keep-alives again
  become: true
  keepalive_ssh.keepalive.keepalive:
    scope: system
    state: absent

- name: A keepalive that is not in PATH
  keepalive_ssh.keepalive.keepalive:
    binary: /opt/keepalive/bin/keepalive
'''

RETURN = r'''
changed:
  description: Whether a file was changed (in check mode, whether one would be).
  returned: always
  type: bool
  sample: true
files:
  description: The files that were changed (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: ["/etc/ssh/ssh_config"]
sessions:
  description: The PuTTY sessions keepalive looked at, as its C(--json) report lists them.
  returned: when I(target=putty) and keepalive reports them
  type: list
  elements: dict
  sample: [{session: "my server", location: "/home/alice/.putty/sessions/my%20server",
            before: 0, after: 60, changed: true, created: false}]
diff:
  description: The unified diff of the change, in C(prepared).
  returned: in diff mode
  type: dict
  sample: {prepared: "--- /etc/ssh/ssh_config\n+++ /etc/ssh/ssh_config\n@@ ..."}
cmd:
  description: The keepalive command line that was run.
  returned: always
  type: list
  elements: str
  sample: ["/usr/bin/keepalive", "enable", "--json", "--system", "--interval", "120"]
messages:
  description: What keepalive printed on standard error on success (notes and warnings).
  returned: always
  type: list
  elements: str
  sample: ["sshd does not seem to be running; the new settings apply when it starts"]
rc:
  description: keepalive's exit status (1 when it could not do it, 2 for bad usage).
  returned: when the task fails
  type: int
  sample: 1
'''

import json
import numbers

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text

# Text, on Python 3 and on a managed host's Python 2 alike.
TEXT_TYPES = (str, type(u''))

# keepalive's exit statuses.
EXIT_OK = 0
EXIT_WOULD_CHANGE = 3

# Options that only mean something for one target, and the value that
# leaves them unused.
TARGET_ONLY = {
    'host': ('client', None),
    'scope': ('client', None),
    'match': ('server', None),
    'reload': ('server', False),
    'validate': ('server', True),
    'drop_in': ('server', False),
    'session': ('putty', None),
}

SUBCOMMAND = {'client': 'enable', 'server': 'server', 'putty': 'putty'}
DISABLE_FLAG = {'server': '--server', 'putty': '--putty'}


def interval_arg(module, value):
    """The --interval argument: a number of seconds or an OpenSSH time."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral,) + TEXT_TYPES):
        module.fail_json(msg="interval: want seconds (300) or an OpenSSH time (5m, 1m30s), got %r" % (value,))
    return to_text(value)


def check_options(module):
    p = module.params
    target = p['target']
    for name, (only, unused) in TARGET_ONLY.items():
        if p[name] != unused and target != only:
            module.fail_json(msg="%s: only for target %s, not %s; remove %s or set target: %s"
                                 % (name, only, target, name, only))
    if target == 'putty':
        for name in ('count', 'path'):
            if p[name] is not None:
                module.fail_json(msg="%s: not for target putty; remove %s" % (name, name))


def command_line(module, binary):
    p = module.params
    target, present = p['target'], p['state'] == 'present'
    if present:
        argv = [binary, SUBCOMMAND[target], '--json']
    else:
        argv = [binary, 'disable', '--json']
        if target in DISABLE_FLAG:
            argv.append(DISABLE_FLAG[target])
    if p['scope']:
        argv.append('--' + p['scope'])
    if p['host'] is not None:
        argv += ['--host', p['host']]
    if p['match'] is not None:
        argv += ['--match', p['match']]
    if p['path'] is not None:
        argv += ['--file', p['path']]
    for name in p['session'] or []:
        argv += ['--session', name]
    if present and p['interval'] is not None:
        argv += ['--interval', interval_arg(module, p['interval'])]
    if present and p['count'] is not None:
        argv += ['--count', str(p['count'])]
    if present and p['drop_in']:
        argv.append('--drop-in')
    if target == 'server' and not p['validate']:
        argv.append('--no-validate')
    if p['reload']:
        argv.append('--reload')
    if p['backup']:
        argv.append('--backup')
    return argv


def parse_report(stdout):
    """keepalive's --json report as a dict, or None when stdout holds none.

    Tolerates text around the object and a report that is a list of
    objects (one per file or session)."""
    text = stdout.strip()
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        start, end = text.find('{'), text.rfind('}')
        if start < 0 or end < start:
            return None
        try:
            data = json.loads(text[start:end + 1])
        except ValueError:
            return None
    if isinstance(data, list):
        merged = {'changed': False, 'files': [], 'diff': []}
        for item in data:
            if isinstance(item, dict):
                merged['changed'] = merged['changed'] or bool(item.get('changed'))
                merged['files'] += as_list(item.get('files', item.get('file')))
                merged['diff'].append(diff_text(item.get('diff')))
        return merged
    if isinstance(data, dict):
        return data
    return None


def as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def diff_text(value):
    """A unified diff from keepalive's "diff": a string, a list of them, or
    a map of file to diff."""
    if value is None:
        return ''
    if isinstance(value, TEXT_TYPES):
        return value
    if isinstance(value, dict):
        value = [value[k] for k in sorted(value)]
    if isinstance(value, (list, tuple)):
        parts = [diff_text(v) for v in value]
        return ''.join(p if p.endswith('\n') or not p else p + '\n' for p in parts)
    return to_text(value)


def stderr_lines(stderr):
    """keepalive's diagnostics without the "keepalive: " prefix."""
    lines = []
    for line in to_text(stderr).splitlines():
        if line.startswith('keepalive: '):
            line = line[len('keepalive: '):]
        if line.strip():
            lines.append(line)
    return lines


def find_binary(module):
    binary = module.params['binary']
    if binary and '/' in binary:
        return binary
    name = binary or 'keepalive'
    opt_dirs = ['/usr/local/bin', '/usr/bin', '/usr/local/sbin', '/usr/sbin']
    path = module.get_bin_path(name, opt_dirs=opt_dirs)
    if not path:
        module.fail_json(msg="%s: not found in PATH or %s; install keepalive on the managed host "
                             "(package, release binary, or go install) or set binary" % (name, ', '.join(opt_dirs)))
    return path


def run_module():
    module = AnsibleModule(
        argument_spec=dict(
            target=dict(type='str', default='client', choices=['client', 'server', 'putty']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            interval=dict(type='raw'),
            count=dict(type='int'),
            host=dict(type='str'),
            match=dict(type='str'),
            scope=dict(type='str', choices=['user', 'system']),
            path=dict(type='path'),
            reload=dict(type='bool', default=False),
            validate=dict(type='bool', default=True),
            drop_in=dict(type='bool', default=False),
            session=dict(type='list', elements='str'),
            backup=dict(type='bool', default=False),
            binary=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    check_options(module)
    argv = command_line(module, find_binary(module))
    if module.check_mode:
        argv.append('--check')

    rc, stdout, stderr = module.run_command(argv, check_rc=False)
    messages = stderr_lines(stderr)
    # No "rc" in a successful result: Ansible takes a non-zero rc for a
    # failure, and 3 is check mode's "would change".
    result = dict(changed=False, files=[], cmd=argv, messages=messages)
    if rc not in (EXIT_OK, EXIT_WOULD_CHANGE) or (rc == EXIT_WOULD_CHANGE and not module.check_mode):
        msg = '\n'.join(messages) or ('keepalive exited with status %d and no message' % rc)
        module.fail_json(msg=msg, rc=rc, stdout=stdout, stderr=stderr, **result)

    report = parse_report(stdout)
    if report is None:
        module.fail_json(msg="keepalive printed no --json report (is %s keepalive?): %s"
                             % (argv[0], stdout.strip()[:200] or 'empty output'),
                         rc=rc, stdout=stdout, stderr=stderr, **result)

    files = as_list(report.get('files'))
    diff = diff_text(report.get('diff'))
    changed = report.get('changed')
    if changed is None:
        changed = bool(files or diff)
    if module.check_mode and rc == EXIT_WOULD_CHANGE:
        changed = True
    result['changed'] = bool(changed)
    result['files'] = [to_text(f) for f in files]
    if 'sessions' in report:
        result['sessions'] = as_list(report['sessions'])
    for line in messages:
        if line.startswith('warning:'):
            module.warn(line[len('warning:'):].strip())
    if module._diff and module.check_mode and result['changed'] and not diff:
        # A --check report without the diff: --dry-run writes nothing either
        # and prints it.
        dry_rc, dry_out, dummy = module.run_command(argv[:-1] + ['--dry-run'], check_rc=False)
        dry = parse_report(dry_out) if dry_rc == EXIT_OK else None
        if dry is not None:
            diff = diff_text(dry.get('diff'))
    if module._diff:
        result['diff'] = dict(prepared=diff)
    module.exit_json(**result)


def main():
    run_module()


if __name__ == '__main__':
    main()
