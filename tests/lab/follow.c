/* follow FILE...: print every line appended to the FILEs (which may not
 * exist yet) as "TS <seconds since boot> <file name>| <line>", polling every
 * 20 ms.  The lab's dom0 runs it on xenconsoled's guest logs, so that each
 * guest console line gets a dom0 time on the clock of /proc/uptime
 * (CLOCK_BOOTTIME) that the lab's own "LAB-T" lines use. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { FILES = 16, LINE = 1024 };

struct source {
    const char *path, *name;
    int fd;
    char line[LINE];
    size_t len;
};

static void emit(struct source *s)
{
    struct timespec now;
    clock_gettime(CLOCK_BOOTTIME, &now);
    printf("TS %lld.%03ld %s| %.*s\n", (long long)now.tv_sec, now.tv_nsec / 1000000,
           s->name, (int)s->len, s->line);
    s->len = 0;
}

int main(int argc, char **argv)
{
    struct source src[FILES];
    int count = argc - 1 < FILES ? argc - 1 : FILES;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 0; i < count; i++) {
        const char *slash = strrchr(argv[i + 1], '/');
        src[i] = (struct source){argv[i + 1], slash ? slash + 1 : argv[i + 1], -1, {0}, 0};
    }
    for (;;) {
        for (int i = 0; i < count; i++) {
            struct source *s = &src[i];
            char buf[4096];
            ssize_t got;
            if (s->fd < 0 && (s->fd = open(s->path, O_RDONLY)) < 0)
                continue;
            while ((got = read(s->fd, buf, sizeof buf)) > 0) {
                for (ssize_t j = 0; j < got; j++) {
                    if (buf[j] == '\r')
                        continue;
                    if (buf[j] == '\n') {
                        emit(s);
                        continue;
                    }
                    s->line[s->len++] = buf[j];
                    if (s->len == LINE)
                        emit(s);
                }
            }
        }
        usleep(20000);
    }
}
