/*
 * ga-vendor.c: the GA 8-function SDK as a vendor ships it, for the HIL guest only. It is the
 * simulator (drivers/sim/ga-sim.c) plus what a real vendor library does and the simulator
 * cannot: it reaches its recorder through the USB device node (here 1209:0001 on any bus,
 * opened read-write as libusb would, so the unit's DeviceAllow and the udev rules are in play),
 * and SetMSDC makes the recorder re-enumerate as a disk (it tells the suite's gadget script,
 * which waits on a FIFO, to turn the gadget into a USB disk).
 *
 * The simulated device is set up when the library is loaded from HIL_GA_CONF (key=value lines,
 * the keys of ga-sim.c's Sim_Set).
 */
#define Init_Device GaSim_Init_Device
#define SetMSDC GaSim_SetMSDC
#include "ga-sim.c"
#undef Init_Device
#undef SetMSDC

#include <dirent.h>
#include <fcntl.h>

#define HIL_GA_CONF "/etc/recorder-dock-hil/ga-device.conf"
#define HIL_GA_FIFO "/run/recorder-dock/hil-ga-msdc"
#define GA_VENDOR "1209"
#define GA_PRODUCT "0001"

static int read_attr(const char *dir, const char *name, char *out, size_t len) {
  char p[512];
  snprintf(p, sizeof p, "/sys/bus/usb/devices/%s/%s", dir, name);
  FILE *f = fopen(p, "re");
  if (!f) return 0;
  int ok = fgets(out, (int)len, f) != NULL;
  fclose(f);
  if (ok) out[strcspn(out, "\n")] = 0;
  return ok;
}

/* Open the recorder's USB device node read-write; 1 when it opened. */
static int device_reachable(void) {
  DIR *d = opendir("/sys/bus/usb/devices");
  if (!d) return 0;
  int ok = 0;
  struct dirent *e;
  while (!ok && (e = readdir(d)) != NULL) {
    char vid[16], pid[16], bus[16], dev[16];
    if (!read_attr(e->d_name, "idVendor", vid, sizeof vid) || strcmp(vid, GA_VENDOR) != 0) continue;
    if (!read_attr(e->d_name, "idProduct", pid, sizeof pid) || strcmp(pid, GA_PRODUCT) != 0) continue;
    if (!read_attr(e->d_name, "busnum", bus, sizeof bus) || !read_attr(e->d_name, "devnum", dev, sizeof dev)) continue;
    char node[64];
    snprintf(node, sizeof node, "/dev/bus/usb/%03d/%03d", atoi(bus), atoi(dev));
    int fd = open(node, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
      close(fd);
      ok = 1;
    }
  }
  closedir(d);
  return ok;
}

int Init_Device(char *IDCode, int *iRet) {
  if (!device_reachable()) {
    if (iRet) *iRet = -1;
    return 0;
  }
  return GaSim_Init_Device(IDCode, iRet);
}

int SetMSDC(char *sPwd, int *iRet) {
  int ok = GaSim_SetMSDC(sPwd, iRet);
  if (ok) {
    int fd = open(HIL_GA_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      if (write(fd, "msdc\n", 5) != 5) { /* the suite times out and says so */ }
      close(fd);
    }
  }
  return ok;
}

__attribute__((constructor)) static void hil_ga_load(void) {
  FILE *f = fopen(HIL_GA_CONF, "re");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    char *eq = strchr(line, '=');
    if (!eq || line[0] == '#') continue;
    *eq = 0;
    Sim_Set(line, eq + 1);
  }
  fclose(f);
}
