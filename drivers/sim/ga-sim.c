/*
 * ga-sim.c: a simulated recorder behind the GA 8-function SDK interface, for recorder-dock's
 * tests and demo. It is NOT a vendor library. It is compiled with the machine's gcc at test
 * time (drivers/sim/ga-sim-build.ts) and loaded through the same koffi path as a vendor's.
 *
 * The 8 standard functions return 1 on success, 0 on failure, with a code in *iRet:
 *    0 ok, -1 device not connected (unplugged, or switched to mass storage),
 *   -2 wrong password, -3 I/O error, -4 busy, -5 bad argument, -6 wrong ID code,
 *   -7 Init_Device not called.
 *
 * Extra, clearly non-standard control functions drive the simulated state (Sim_*):
 *   int Sim_Set(const char *key, const char *value);        1 ok, 0 unknown key/bad value
 *   int Sim_Get(const char *key, char *out, int outLen);     1 ok, 0 unknown key/too small
 * Keys: present, msdc, initialised, serial, userNo, userName, unitNo, unitName (hex bytes),
 * idCode, password, battery, skewMs, width, height, corruptWrite, fail.<Fn>, failOnce.<Fn>,
 * hangMs.<Fn>, calls.<Fn> (read only), deviceTimeMs (read only), reset (write only).
 * Each copy of the compiled library (distinct file) holds its own device.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#pragma pack(push, 1)
typedef struct {
  char cSerial[7];
  char userNo[6];
  char userName[32];
  char unitNo[12];
  char unitName[32];
} ZFY_INFO;
#pragma pack(pop)

enum { F_INIT, F_GETID, F_GETINFO, F_WRITEINFO, F_SYNC, F_MSDC, F_RES, F_BAT, F_COUNT };
static const char *FN_NAMES[F_COUNT] = {"Init_Device", "GetIDCode", "GetZFYInfo", "WriteZFYInfo",
                                         "SyncDevTime", "SetMSDC", "ReadDeviceResolution",
                                         "ReadDeviceBatteryDumpEnergy"};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
  int present, msdc, initialised, corruptWrite;
  ZFY_INFO info;
  char idCode[64];
  char password[64];
  int battery, width, height;
  long long skewMs;
  int fail[F_COUNT], failOnce[F_COUNT], hangMs[F_COUNT], calls[F_COUNT];
} st = {.present = 1, .battery = 80, .width = 1920, .height = 1080};

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fn_index(const char *name) {
  for (int i = 0; i < F_COUNT; i++)
    if (strcmp(name, FN_NAMES[i]) == 0) return i;
  return -1;
}

/* Common entry: count, hang, presence, injected failures, password. Returns with the lock held
 * on success (1) or released on failure (0, *iRet set). */
static int enter(int fn, const char *pwd, int checkPwd, int *iRet) {
  pthread_mutex_lock(&lock);
  st.calls[fn]++;
  int hang = st.hangMs[fn];
  pthread_mutex_unlock(&lock);
  if (hang > 0) usleep((useconds_t)hang * 1000);
  pthread_mutex_lock(&lock);
  int code = 0;
  if (!st.present || st.msdc) code = -1;
  else if (st.failOnce[fn]) { code = st.failOnce[fn]; st.failOnce[fn] = 0; }
  else if (st.fail[fn]) code = st.fail[fn];
  else if (fn != F_INIT && !st.initialised) code = -7;
  else if (checkPwd && st.password[0] && (pwd == NULL || strcmp(pwd, st.password) != 0)) code = -2;
  if (iRet) *iRet = code;
  if (code != 0) {
    pthread_mutex_unlock(&lock);
    return 0;
  }
  return 1;
}

static int leave(int *iRet) {
  if (iRet) *iRet = 0;
  pthread_mutex_unlock(&lock);
  return 1;
}

int Init_Device(char *IDCode, int *iRet) {
  if (!enter(F_INIT, NULL, 0, iRet)) return 0;
  if (st.idCode[0] && IDCode && IDCode[0] && strcmp(IDCode, st.idCode) != 0) {
    *iRet = -6;
    pthread_mutex_unlock(&lock);
    return 0;
  }
  st.initialised = 1;
  return leave(iRet);
}

int GetIDCode(char *IDCode, int *iRet) {
  if (!IDCode) { if (iRet) *iRet = -5; return 0; }
  if (!enter(F_GETID, NULL, 0, iRet)) return 0;
  memcpy(IDCode, st.idCode, sizeof st.idCode);
  return leave(iRet);
}

int GetZFYInfo(ZFY_INFO *info, char *sPwd, int *iRet) {
  if (!info) { if (iRet) *iRet = -5; return 0; }
  if (!enter(F_GETINFO, sPwd, 1, iRet)) return 0;
  memcpy(info, &st.info, sizeof st.info);
  return leave(iRet);
}

int WriteZFYInfo(ZFY_INFO *info, char *sPwd, int *iRet) {
  if (!info) { if (iRet) *iRet = -5; return 0; }
  if (!enter(F_WRITEINFO, sPwd, 1, iRet)) return 0;
  memcpy(&st.info, info, sizeof st.info);
  if (st.corruptWrite) st.info.userNo[0] ^= 0x01; /* a device that stores something else */
  return leave(iRet);
}

int SyncDevTime(char *sPwd, int *iRet) {
  if (!enter(F_SYNC, sPwd, 1, iRet)) return 0;
  st.skewMs = 0;
  return leave(iRet);
}

int SetMSDC(char *sPwd, int *iRet) {
  if (!enter(F_MSDC, sPwd, 1, iRet)) return 0;
  st.msdc = 1;
  return leave(iRet);
}

int ReadDeviceResolution(int *w, int *h, char *sPwd, int *iRet) {
  if (!w || !h) { if (iRet) *iRet = -5; return 0; }
  if (!enter(F_RES, sPwd, 1, iRet)) return 0;
  *w = st.width;
  *h = st.height;
  return leave(iRet);
}

int ReadDeviceBatteryDumpEnergy(int *battery, char *sPwd, int *iRet) {
  if (!battery) { if (iRet) *iRet = -5; return 0; }
  if (!enter(F_BAT, sPwd, 1, iRet)) return 0;
  *battery = st.battery;
  return leave(iRet);
}

/* ------------------------------------------------------------------ control (non-standard) */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int set_hex(char *field, size_t size, const char *hex) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > size) return 0;
  memset(field, 0, size);
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    field[i] = (char)(hi * 16 + lo);
  }
  return 1;
}

static int get_hex(const char *field, size_t size, char *out, int outLen) {
  if ((size_t)outLen < size * 2 + 1) return 0;
  for (size_t i = 0; i < size; i++) sprintf(out + 2 * i, "%02x", (unsigned char)field[i]);
  out[size * 2] = 0;
  return 1;
}

static int set_text(char *dst, size_t size, const char *v) {
  if (strlen(v) >= size) return 0;
  strcpy(dst, v);
  return 1;
}

static int set_per_fn(const char *key, const char *value) {
  const char *dot = strchr(key, '.');
  if (!dot) return 0;
  int fn = fn_index(dot + 1);
  if (fn < 0) return 0;
  int v = atoi(value);
  if (strncmp(key, "fail.", 5) == 0) st.fail[fn] = v;
  else if (strncmp(key, "failOnce.", 9) == 0) st.failOnce[fn] = v;
  else if (strncmp(key, "hangMs.", 7) == 0) st.hangMs[fn] = v;
  else return 0;
  return 1;
}

static int set_locked(const char *k, const char *v) {
  if (strcmp(k, "present") == 0) st.present = atoi(v);
  else if (strcmp(k, "msdc") == 0) st.msdc = atoi(v);
  else if (strcmp(k, "initialised") == 0) st.initialised = atoi(v);
  else if (strcmp(k, "corruptWrite") == 0) st.corruptWrite = atoi(v);
  else if (strcmp(k, "battery") == 0) st.battery = atoi(v);
  else if (strcmp(k, "width") == 0) st.width = atoi(v);
  else if (strcmp(k, "height") == 0) st.height = atoi(v);
  else if (strcmp(k, "skewMs") == 0) st.skewMs = atoll(v);
  else if (strcmp(k, "idCode") == 0) return set_text(st.idCode, sizeof st.idCode, v);
  else if (strcmp(k, "password") == 0) return set_text(st.password, sizeof st.password, v);
  else if (strcmp(k, "serial") == 0) return set_hex(st.info.cSerial, sizeof st.info.cSerial, v);
  else if (strcmp(k, "userNo") == 0) return set_hex(st.info.userNo, sizeof st.info.userNo, v);
  else if (strcmp(k, "userName") == 0) return set_hex(st.info.userName, sizeof st.info.userName, v);
  else if (strcmp(k, "unitNo") == 0) return set_hex(st.info.unitNo, sizeof st.info.unitNo, v);
  else if (strcmp(k, "unitName") == 0) return set_hex(st.info.unitName, sizeof st.info.unitName, v);
  else if (strcmp(k, "reset") == 0) {
    memset(st.fail, 0, sizeof st.fail);
    memset(st.failOnce, 0, sizeof st.failOnce);
    memset(st.hangMs, 0, sizeof st.hangMs);
    memset(st.calls, 0, sizeof st.calls);
  } else return set_per_fn(k, v);
  return 1;
}

int Sim_Set(const char *key, const char *value) {
  if (!key || !value) return 0;
  pthread_mutex_lock(&lock);
  int ok = set_locked(key, value);
  pthread_mutex_unlock(&lock);
  return ok;
}

static int get_num(long long v, char *out, int outLen) {
  return snprintf(out, (size_t)outLen, "%lld", v) < outLen;
}

static int get_locked(const char *k, char *out, int outLen) {
  if (strcmp(k, "present") == 0) return get_num(st.present, out, outLen);
  if (strcmp(k, "msdc") == 0) return get_num(st.msdc, out, outLen);
  if (strcmp(k, "battery") == 0) return get_num(st.battery, out, outLen);
  if (strcmp(k, "skewMs") == 0) return get_num(st.skewMs, out, outLen);
  if (strcmp(k, "deviceTimeMs") == 0) return get_num(now_ms() + st.skewMs, out, outLen);
  if (strcmp(k, "width") == 0) return get_num(st.width, out, outLen);
  if (strcmp(k, "height") == 0) return get_num(st.height, out, outLen);
  if (strcmp(k, "idCode") == 0) return snprintf(out, (size_t)outLen, "%s", st.idCode) < outLen;
  if (strcmp(k, "serial") == 0) return get_hex(st.info.cSerial, sizeof st.info.cSerial, out, outLen);
  if (strcmp(k, "userNo") == 0) return get_hex(st.info.userNo, sizeof st.info.userNo, out, outLen);
  if (strcmp(k, "userName") == 0) return get_hex(st.info.userName, sizeof st.info.userName, out, outLen);
  if (strcmp(k, "unitNo") == 0) return get_hex(st.info.unitNo, sizeof st.info.unitNo, out, outLen);
  if (strcmp(k, "unitName") == 0) return get_hex(st.info.unitName, sizeof st.info.unitName, out, outLen);
  if (strncmp(k, "calls.", 6) == 0) {
    int fn = fn_index(k + 6);
    return fn >= 0 && get_num(st.calls[fn], out, outLen);
  }
  return 0;
}

int Sim_Get(const char *key, char *out, int outLen) {
  if (!key || !out || outLen <= 0) return 0;
  pthread_mutex_lock(&lock);
  int ok = get_locked(key, out, outLen);
  pthread_mutex_unlock(&lock);
  return ok;
}
