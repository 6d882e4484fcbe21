#include "Spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>

namespace ymbench::out {

namespace {

double monoS()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

} // namespace

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv,
            const std::string& logFile, int* stdoutPipe)
{
    int p[2] = {-1, -1};
    if (stdoutPipe && pipe2(p, O_CLOEXEC) != 0)
        return -1;
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        const int log = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (log >= 0) {
            dup2(log, STDERR_FILENO);
            if (!stdoutPipe)
                dup2(log, STDOUT_FILENO);
        }
        if (stdoutPipe)
            dup2(p[1], STDOUT_FILENO);
        const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        for (const std::string& e : extraEnv)
            putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> args;
        for (const std::string& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        std::fprintf(stderr, "ym-outputgen: cannot run %s\n", args[0]);
        _exit(127);
    }
    if (stdoutPipe) {
        ::close(p[1]);
        fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
        *stdoutPipe = p[0];
    }
    return pid;
}

bool waitExit(pid_t pid, double timeoutS, int* status)
{
    const double end = monoS() + timeoutS;
    for (;;) {
        int st = 0;
        const pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) {
            if (status)
                *status = st;
            return true;
        }
        if (monoS() >= end)
            return false;
        usleep(10000);
    }
}

int runCapture(const std::vector<std::string>& argv, const std::string& logFile, double timeoutS,
               std::string& output)
{
    int fd = -1;
    output.clear();
    const pid_t pid = spawn(argv, {}, logFile, &fd);
    if (pid < 0)
        return -1;
    const double end = monoS() + timeoutS;
    char buf[65536];
    for (;;) {
        pollfd pfd{fd, POLLIN, 0};
        ::poll(&pfd, 1, 50);
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            output.append(buf, size_t(n));
            continue;
        }
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            break;
        if (monoS() >= end) {
            kill(pid, SIGKILL);
            break;
        }
    }
    ::close(fd);
    int status = 0;
    if (!waitExit(pid, 5, &status)) {
        kill(pid, SIGKILL);
        waitExit(pid, 5, &status);
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

double stopChild(pid_t pid, double graceS)
{
    const double start = monoS();
    kill(pid, SIGTERM);
    if (waitExit(pid, graceS))
        return monoS() - start;
    kill(pid, SIGKILL);
    waitExit(pid, 10);
    return -1;
}

} // namespace ymbench::out
