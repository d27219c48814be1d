/* conrun: runs a program the way cmd.exe runs a GUI program on Windows, to
 * prove under Wine that deepr.exe prints in the console it was typed in.
 * Wine hands its Unix stdin/stdout/stderr to every program, GUI or not, so
 * a plain `wine deepr.exe list` prints even without attaching; on Windows a
 * GUI program started from a console gets no standard handles. conrun starts
 * the program with null standard handles (STARTF_USESTDHANDLES) and no
 * console of its own, waits and exits with its exit code: the program's
 * output reaches conrun's console only if it attaches to it. Wine gives
 * conrun a console only on a terminal, so tests run it in a pseudo-terminal:
 *   script -qefc 'wine conrun.exe deepr.exe list --json' /dev/null
 * Only for tests (tools/wine.sh, docs/windows.md); never shipped.
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -o conrun.exe conrun.c */
#include <windows.h>
#include <stdio.h>

static int fail(const char *what) {
  fprintf(stderr, "conrun: %s failed (error %lu)\n", what, GetLastError());
  return 125;
}

int wmain(int argc, wchar_t **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: conrun PROGRAM [ARGS...]\n");
    return 125;
  }
  HANDLE con = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
  DWORD mode;
  if (con == INVALID_HANDLE_VALUE || !GetConsoleMode(con, &mode)) {
    fprintf(stderr, "conrun: no console; under Wine run it in a terminal (script -qefc '...' /dev/null)\n");
    return 125;
  }
  CloseHandle(con);

  /* The command line after our own name, as the program should see it. */
  wchar_t *cmd = GetCommandLineW();
  int quoted = 0;
  for (; *cmd && (quoted || (*cmd != L' ' && *cmd != L'\t')); cmd++)
    if (*cmd == L'"') quoted = !quoted;
  while (*cmd == L' ' || *cmd == L'\t') cmd++;

  STARTUPINFOW si = {0};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES; /* all three NULL, as Windows gives a GUI program */
  PROCESS_INFORMATION pi;
  if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return fail("CreateProcess");
  WaitForSingleObject(pi.hProcess, INFINITE);
  DWORD code = 125;
  if (!GetExitCodeProcess(pi.hProcess, &code)) return fail("GetExitCodeProcess");
  return (int)code;
}
