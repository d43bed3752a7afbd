// Package winetest runs the Windows build of keepalive (keepalive.exe)
// under Wine from Linux and checks what it did with Wine's own tools (wine
// reg query) and the bytes of the files it wrote: PuTTY and KiTTY sessions
// in the registry, %USERPROFILE%\.ssh\config and
// %ProgramData%\ssh\sshd_config. It has tests only; make test-windows runs
// them (scripts/wine has the Wine prefix set-up they share).
package winetest
