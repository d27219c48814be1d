Unicode true
# Deepr's Windows installer: per user (no administrator rights), into
# %LOCALAPPDATA%\Programs\Deepr, with a Start menu shortcut, the WebView2
# runtime through Microsoft's bootstrapper when it is missing, and an
# uninstaller registered under Apps & features.
#
# Built by tools/package-windows.sh (make package-windows), which passes:
#   makensis -DVERSION=1.2.3 -DEXE=path\to\deepr.exe -DWEBVIEW2=path\to\MicrosoftEdgeWebview2Setup.exe
#            -DOUTFILE=path\to\deepr-1.2.3-windows-amd64-setup.exe project.nsi
# Signing: uncomment the two !finalize lines below and give them your signtool command.

!ifndef VERSION
  !error "VERSION is not defined: run make package-windows"
!endif
!ifndef EXE
  !error "EXE (the path of deepr.exe) is not defined"
!endif
!ifndef WEBVIEW2
  !error "WEBVIEW2 (the path of MicrosoftEdgeWebview2Setup.exe) is not defined"
!endif
!ifndef OUTFILE
  !define OUTFILE "deepr-${VERSION}-windows-amd64-setup.exe"
!endif

!define PRODUCT "Deepr"
!define COMPANY "Deepr"
!define EXE_NAME "deepr.exe"
# The AppUserModelID the app sets for its toasts (backend/notify).
!define APP_ID "Deepr"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

!include "MUI2.nsh"
!include "x64.nsh"
!include "WinVer.nsh"
!include "FileFunc.nsh"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
RequestExecutionLevel user
# lzma for releases; CI passes -DCOMPRESSOR=zlib (six times faster, 30% larger).
!ifndef COMPRESSOR
  !define COMPRESSOR "lzma"
!endif
!if "${COMPRESSOR}" == "lzma"
  SetCompressor /SOLID lzma
!else
  SetCompressor ${COMPRESSOR}
!endif
ManifestDPIAware true
ShowInstDetails show

# Version information of the installer itself (four numbers required).
VIProductVersion "${VERSION}.0"
VIFileVersion    "${VERSION}.0"
VIAddVersionKey "CompanyName"     "${COMPANY}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "ProductName"     "${PRODUCT}"
VIAddVersionKey "ProductVersion"  "${VERSION}"
VIAddVersionKey "FileVersion"     "${VERSION}"
VIAddVersionKey "LegalCopyright"  "Deepr Desktop developers"

#!finalize 'signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 "%1"'
#!uninstfinalize 'signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 "%1"'

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE_NAME}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${PRODUCT}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "${PRODUCT} needs Windows 10 or later."
    Abort
  ${EndIf}
  ${IfNot} ${IsNativeAMD64}
    MessageBox MB_OK|MB_ICONSTOP "This ${PRODUCT} installer is for 64-bit (x64) Windows."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Section "Deepr" SecMain
  SectionIn RO

  # WebView2: installed per machine or per user? Either is fine; install it
  # only when neither is present (the bootstrapper downloads it).
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "Installing the Microsoft Edge WebView2 runtime..."
    SetOutPath "$PLUGINSDIR"
    File "/oname=MicrosoftEdgeWebview2Setup.exe" "${WEBVIEW2}"
    ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
    ${If} $1 != 0
      MessageBox MB_OK|MB_ICONEXCLAMATION "The WebView2 runtime could not be installed (code $1). ${PRODUCT} needs it: install it from https://developer.microsoft.com/microsoft-edge/webview2/ and start ${PRODUCT} again."
    ${EndIf}
  ${EndIf}

  SetOutPath "$INSTDIR"
  File "/oname=${EXE_NAME}" "${EXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${COMPANY}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE_NAME},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  # Stop a running Deepr first, so its files can be removed.
  nsExec::Exec '"$SYSDIR\taskkill.exe" /IM ${EXE_NAME} /F'
  Delete "$INSTDIR\${EXE_NAME}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  # Start at login (DEEPR_START_AT_LOGIN) and the toast registration.
  DeleteRegValue HKCU "${RUN_KEY}" "${APP_ID}"
  DeleteRegKey HKCU "Software\Classes\AppUserModelId\${APP_ID}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  # The research library (reports, database, settings) stays in
  # %LOCALAPPDATA%\deepr: it is the user's data.
SectionEnd
