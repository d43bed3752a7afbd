/*
 * bcryptprimitives.dll for Wine 8, so that Go programs built for Windows run
 * in keepalive's Wine test lane (make test-windows). Test tooling only: it is
 * never shipped, and Wine 9 and later have the real DLL.
 *
 * It does two things:
 *
 * 1. It stands in for the missing bcryptprimitives.dll. Go (1.21 and later)
 *    loads that DLL from system32 at start-up and takes its random bytes from
 *    ProcessPrng; Wine 8 has no such DLL, and every Go program dies at once
 *    with "bcryptprimitives.dll not found". Here ProcessPrng fills the buffer
 *    from advapi32's SystemFunction036 (RtlGenRandom), which Wine has.
 *
 * 2. It makes os.Remove and os.RemoveAll work. Go first deletes a file with
 *    NtSetInformationFile(FileDispositionInformationEx, class 64, Windows 10
 *    1607 and later) and falls back to the classic delete when the system
 *    answers STATUS_INVALID_INFO_CLASS, as older Windows does. Wine 8 answers
 *    STATUS_NOT_IMPLEMENTED instead, which Go reports as an error ("unlinkat
 *    ...: Invalid function"), so every t.TempDir() clean-up fails. When the
 *    DLL is loaded, it points ntdll's export of NtSetInformationFile at a
 *    wrapper that turns that one answer, for class 64 only, into
 *    STATUS_INVALID_INFO_CLASS. Go looks ntdll functions up with
 *    GetProcAddress when first called, long after this DLL is loaded, so it
 *    gets the wrapper. Should patching fail, the DLL still loads: only
 *    removal stays broken.
 *
 * Build (Debian's gcc-mingw-w64-x86-64-win32; no C runtime is needed):
 *   x86_64-w64-mingw32-gcc -O2 -shared -s -nostdlib -Wl,--entry,DllMain \
 *     -o bcryptprimitives.dll stub.c -ladvapi32 -lkernel32
 */
#include <windows.h>

typedef LONG NTSTATUS;

#define STATUS_NOT_IMPLEMENTED ((NTSTATUS)0xC0000002L)
#define STATUS_INVALID_INFO_CLASS ((NTSTATUS)0xC0000003L)
#define FILE_DISPOSITION_INFORMATION_EX 64

/* advapi32's RtlGenRandom, exported under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ProcessPrng fills buf with len random bytes; it never fails. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE buf, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!SystemFunction036(buf, n))
			return FALSE;
		buf += n;
		len -= n;
	}
	return TRUE;
}

typedef NTSTATUS(WINAPI *set_info_fn)(HANDLE, PVOID, PVOID, ULONG, ULONG);

/* Wine's own NtSetInformationFile, as the export table had it. */
static set_info_fn real_set_info;

static NTSTATUS WINAPI set_info(HANDLE file, PVOID iosb, PVOID info, ULONG len, ULONG class)
{
	NTSTATUS st = real_set_info(file, iosb, info, len, class);
	if (st == STATUS_NOT_IMPLEMENTED && class == FILE_DISPOSITION_INFORMATION_EX)
		return STATUS_INVALID_INFO_CLASS;
	return st;
}

static int same_name(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/*
 * An export table entry is a 32-bit offset from ntdll's base, and this DLL
 * may be loaded anywhere, so the entry points at a small jump placed in
 * memory allocated just above ntdll's image: mov rax, set_info; jmp rax.
 */
static BYTE *jump_near(BYTE *base, SIZE_T image_size)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	SIZE_T step = si.dwAllocationGranularity;
	ULONG_PTR start = ((ULONG_PTR)base + image_size + step - 1) / step * step;
	for (ULONG_PTR a = start; a < (ULONG_PTR)base + 0x7fff0000; a += step) {
		BYTE *p = VirtualAlloc((void *)a, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE);
		if (p == NULL)
			continue;
		ULONG_PTR target = (ULONG_PTR)set_info;
		p[0] = 0x48; /* mov rax, imm64 */
		p[1] = 0xB8;
		for (int i = 0; i < 8; i++)
			p[2 + i] = (BYTE)(target >> (8 * i));
		p[10] = 0xFF; /* jmp rax */
		p[11] = 0xE0;
		DWORD old;
		VirtualProtect(p, 4096, PAGE_EXECUTE_READ, &old);
		return p;
	}
	return NULL;
}

static void patch_ntdll(void)
{
	BYTE *base = (BYTE *)GetModuleHandleA("ntdll.dll");
	if (base == NULL)
		return;
	IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
	IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
	if (dir.VirtualAddress == 0)
		return;
	IMAGE_EXPORT_DIRECTORY *exp = (IMAGE_EXPORT_DIRECTORY *)(base + dir.VirtualAddress);
	DWORD *names = (DWORD *)(base + exp->AddressOfNames);
	WORD *ordinals = (WORD *)(base + exp->AddressOfNameOrdinals);
	DWORD *functions = (DWORD *)(base + exp->AddressOfFunctions);
	for (DWORD i = 0; i < exp->NumberOfNames; i++) {
		if (!same_name((const char *)(base + names[i]), "NtSetInformationFile"))
			continue;
		DWORD *entry = &functions[ordinals[i]];
		BYTE *jump = jump_near(base, nt->OptionalHeader.SizeOfImage);
		if (jump == NULL)
			return;
		DWORD old;
		if (!VirtualProtect(entry, sizeof *entry, PAGE_READWRITE, &old))
			return;
		real_set_info = (set_info_fn)(base + *entry);
		*entry = (DWORD)(jump - base);
		VirtualProtect(entry, sizeof *entry, old, &old);
		return;
	}
}

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved)
{
	(void)dll;
	(void)reserved;
	if (reason == DLL_PROCESS_ATTACH)
		patch_ntdll();
	return TRUE;
}
