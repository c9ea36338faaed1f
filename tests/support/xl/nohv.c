/* Preloaded into Debian's xl 4.17 so that `xl -N create CFG` (a dry run:
 * parse the file, print the libxl domain configuration as JSON) works on a
 * machine that does not run Xen.  libxl_ctx_alloc() and the parser ask
 * libxenctrl and xenstore for handles, CPU and node counts and the host's
 * physinfo; these answer for a 4-CPU, 1-node x86 host with HVM, PV, HAP and
 * shadow paging.  Nothing that starts a domain works.  xenmig's tests build
 * it (tests/support/xl/__init__.py). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static char xc_handle[1 << 16], xs_handle[1 << 16];

void *xc_interface_open(void *logger, void *dombuild_logger, unsigned flags)
{ (void)logger; (void)dombuild_logger; (void)flags; return xc_handle; }
int xc_interface_close(void *xch) { (void)xch; return 0; }
void *xs_open(unsigned long flags) { (void)flags; return xs_handle; }
void *xs_daemon_open(void) { return xs_handle; }
void xs_close(void *xsh) { (void)xsh; }
void xs_daemon_close(void *xsh) { (void)xsh; }

int xc_get_max_cpus(void *xch) { (void)xch; return 4; }
int xc_get_online_cpus(void *xch) { (void)xch; return 4; }
int xc_get_max_nodes(void *xch) { (void)xch; return 1; }
int xc_get_cpu_levelling_caps(void *xch, uint32_t *caps)
{ (void)xch; if (caps) *caps = 0; return 0; }
/* No version: xl then takes its built-in defaults (autoballoon on). */
int xc_version(void *xch, int cmd, void *arg) { (void)xch; (void)cmd; (void)arg; return -1; }

/* struct xen_sysctl_physinfo of Xen 4.17 (xen/include/public/sysctl.h). */
struct physinfo {
    uint32_t threads_per_core, cores_per_socket, nr_cpus, max_cpu_id;
    uint32_t nr_nodes, max_node_id, cpu_khz, capabilities, arch_capabilities, pad;
    uint64_t total_pages, free_pages, scrub_pages, outstanding_pages, max_mfn;
    uint32_t hw_cap[8];
};
/* XEN_SYSCTL_PHYSCAP_{hvm,pv,directio,hap,shadow,iommu_hap_pt_share,gnttab_v1,v2} */
#define CAPS ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) \
              | (1u << 8) | (1u << 9))

int xc_physinfo(void *xch, struct physinfo *info)
{
    (void)xch;
    memset(info, 0, sizeof *info);
    info->threads_per_core = 1;
    info->cores_per_socket = 4;
    info->nr_cpus = 4;
    info->max_cpu_id = 3;
    info->nr_nodes = 1;
    info->cpu_khz = 2000000;
    info->capabilities = CAPS;
    info->total_pages = info->free_pages = info->max_mfn = (8ull << 30) >> 12;
    return 0;
}
long xc_sharing_freed_pages(void *xch) { (void)xch; return 0; }
long xc_sharing_used_frames(void *xch) { (void)xch; return 0; }
int xc_memory_op(void *xch, unsigned cmd, void *arg, size_t len)
{ (void)xch; (void)cmd; (void)arg; (void)len; return 0; }
