/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks and Go
 * 1.24+ loads at start for ProcessPrng (runtime and crypto/rand). It fills
 * the buffer from RtlGenRandom (advapi32's SystemFunction036), which Wine
 * has. Only for running tests under Wine (tools/wine.sh); never shipped.
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll
 *        bcryptprimitives.c -ladvapi32 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
  while (size > 0) {
    ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    size -= n;
  }
  return TRUE;
}
