#include "LocalLauncher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "Commands.h"
#include "Options.h"

extern char** environ;

namespace strata::cli {

namespace {

constexpr int kMaxWorkers = 256;
constexpr int kDefaultGraceSeconds = 5;  // after a failure, how long the others get to exit

// The workers, for the signal handler (async-signal-safe: kill() on a fixed array).
pid_t gWorkers[kMaxWorkers];
volatile sig_atomic_t gWorkerCount = 0;
volatile sig_atomic_t gForwarded = 0;

void forwardSignal(int sig) {
    gForwarded = sig;
    for (int i = 0; i < gWorkerCount; ++i)
        if (gWorkers[i] > 0) ::kill(gWorkers[i], sig);
}

int envInt(const char* name, int lo, int hi, bool* present) {
    const char* v = std::getenv(name);
    *present = v && *v;
    if (!*present) return lo;
    const std::string text = v;
    try {
        size_t used = 0;
        const long n = std::stol(text, &used);
        if (used == text.size() && n >= lo && n <= hi) return int(n);
    } catch (const std::exception&) {
    }
    throw UsageError(std::string(name) + ": expected a whole number in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "], got \"" + text + "\"");
}

std::string signalName(int sig) {
    switch (sig) {
        case SIGKILL: return "SIGKILL";
        case SIGTERM: return "SIGTERM";
        case SIGINT: return "SIGINT";
        case SIGSEGV: return "SIGSEGV";
        case SIGABRT: return "SIGABRT";
        case SIGBUS: return "SIGBUS";
        case SIGFPE: return "SIGFPE";
        default: return "signal " + std::to_string(sig);
    }
}

std::string describe(int status) {
    if (WIFSIGNALED(status)) return "was killed by " + signalName(WTERMSIG(status));
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

// A worker that ended on its own in a way that is neither success nor an orderly stop.
bool failed(int status) {
    if (WIFSIGNALED(status)) return true;
    const int code = WEXITSTATUS(status);
    return code != 0 && code != 130 && code != 143;
}

std::string selfExecutable() {
    char path[4096];
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) throw std::runtime_error("--nproc: cannot find this executable (/proc/self/exe)");
    return std::string(path, size_t(n));
}

bool isLaunchVariable(const char* entry) {
    for (const char* key : {"RANK=", "WORLD_SIZE=", "LOCAL_RANK=", "LOCAL_WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT="})
        if (std::strncmp(entry, key, std::strlen(key)) == 0) return true;
    return false;
}

}  // namespace

WorkerEnvironment readWorkerEnvironment() {
    WorkerEnvironment w;
    bool hasRank = false, hasWorld = false;
    w.worldSize = envInt("WORLD_SIZE", 1, 65536, &hasWorld);
    w.rank = envInt("RANK", 0, 65535, &hasRank);
    w.set = hasRank || hasWorld;
    if (hasRank && !hasWorld) throw UsageError("RANK is set but WORLD_SIZE is not");
    if (hasWorld && !hasRank && w.worldSize > 1) throw UsageError("WORLD_SIZE is set but RANK is not");
    if (w.rank >= w.worldSize)
        throw UsageError("RANK=" + std::to_string(w.rank) + " must be below WORLD_SIZE=" + std::to_string(w.worldSize));
    return w;
}

int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error(std::string("--nproc: cannot open a socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) throw std::runtime_error(std::string("--nproc: cannot find a free loopback port: ") + std::strerror(err));
    return ntohs(addr.sin_port);
}

namespace {

// Everything the children need, built before fork: between fork and exec only
// async-signal-safe calls are allowed.
struct WorkerLaunch {
    std::string exe;
    std::vector<std::string> argStore;
    std::vector<char*> argv;
    std::vector<std::vector<std::string>> envStore;
    std::vector<std::vector<char*>> envp;  // one per rank
};

void prepareLaunch(WorkerLaunch& w, int nproc, const std::vector<std::string>& args) {
    w.exe = selfExecutable();
    const std::string port = std::to_string(freeLoopbackPort());
    w.argStore = {w.exe};
    w.argStore.insert(w.argStore.end(), args.begin(), args.end());
    for (auto& a : w.argStore) w.argv.push_back(a.data());
    w.argv.push_back(nullptr);
    std::vector<std::string> baseEnv;
    for (char** e = environ; e && *e; ++e)
        if (!isLaunchVariable(*e)) baseEnv.emplace_back(*e);
    w.envStore.assign(size_t(nproc), baseEnv);
    w.envp.resize(size_t(nproc));
    for (int r = 0; r < nproc; ++r) {
        auto& env = w.envStore[size_t(r)];
        for (const std::string& kv :
             {"RANK=" + std::to_string(r), "WORLD_SIZE=" + std::to_string(nproc), "LOCAL_RANK=" + std::to_string(r),
              "LOCAL_WORLD_SIZE=" + std::to_string(nproc), std::string("MASTER_ADDR=127.0.0.1"), "MASTER_PORT=" + port})
            env.push_back(kv);
        for (auto& kv : env) w.envp[size_t(r)].push_back(kv.data());
        w.envp[size_t(r)].push_back(nullptr);
    }
}

// The child's side of fork: never returns.
[[noreturn]] void execWorker(WorkerLaunch& w, int rank, pid_t parent, const sigset_t& previous) {
    // Own process group: a terminal's Ctrl+C reaches the launcher, which forwards it
    // once; and the worker dies with the launcher instead of training on as an orphan.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    ::execve(w.exe.c_str(), w.argv.data(), w.envp[size_t(rank)].data());
    const char msg[] = "error: --nproc: cannot start a worker (exec failed)\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
}

// Forks the workers (the caller blocks SIGINT/SIGTERM; `previous` is the mask to restore in
// the children). Returns the pids started; forkError says why it stopped short.
std::vector<pid_t> forkWorkers(WorkerLaunch& w, int nproc, const sigset_t& previous, std::string& forkError) {
    const pid_t parent = ::getpid();
    std::vector<pid_t> pids;
    for (int r = 0; r < nproc; ++r) {
        const pid_t pid = ::fork();
        if (pid < 0) {
            forkError = std::strerror(errno);
            break;
        }
        if (pid == 0) execWorker(w, r, parent, previous);
        pids.push_back(pid);
        gWorkers[r] = pid;
        gWorkerCount = r + 1;
    }
    return pids;
}

struct WorkersEnded {
    std::vector<int> status;
    int firstFailure = -1;
};

// Waits for every worker. When one fails (or not all could start), the others are asked to
// stop and, after the grace time, killed.
WorkersEnded superviseWorkers(const std::vector<pid_t>& pids, bool startFailed, std::chrono::seconds graceTime) {
    using Clock = std::chrono::steady_clock;
    WorkersEnded ended;
    ended.status.assign(pids.size(), 0);
    std::vector<bool> done(pids.size(), false);
    size_t running = pids.size();
    auto stopOthers = [&](int sig) {
        for (size_t o = 0; o < pids.size(); ++o)
            if (!done[o]) ::kill(pids[o], sig);
    };
    Clock::time_point killAt = Clock::time_point::max();
    if (startFailed) {
        stopOthers(SIGTERM);
        killAt = Clock::now() + graceTime;
    }
    bool killed = false;
    while (running > 0) {
        int st = 0;
        const pid_t p = ::waitpid(-1, &st, WNOHANG);
        if (p > 0) {
            for (size_t r = 0; r < pids.size(); ++r) {
                if (pids[r] != p) continue;
                done[r] = true;
                ended.status[r] = st;
                gWorkers[r] = -1;
                --running;
                if (failed(st) && ended.firstFailure < 0 && !startFailed) {
                    ended.firstFailure = int(r);
                    // One rank is gone: the others would fail in their next all-reduce anyway;
                    // ask them to stop now and make sure they do.
                    stopOthers(SIGTERM);
                    killAt = Clock::now() + graceTime;
                }
            }
            continue;
        }
        if (p < 0 && errno == ECHILD) break;
        if (!killed && Clock::now() >= killAt) {
            stopOthers(SIGKILL);
            killed = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return ended;
}

int exitCodeOf(const WorkersEnded& ended, int nproc) {
    if (ended.firstFailure >= 0) {
        const int st = ended.status[size_t(ended.firstFailure)];
        if (!WIFSIGNALED(st) && WEXITSTATUS(st) == kExitBadInput) return kExitBadInput;  // already reported
        printError("rank " + std::to_string(ended.firstFailure) + " of " + std::to_string(nproc) + " " + describe(st) +
                   "; the other ranks were stopped");
        return kExitFailure;
    }
    if (gForwarded == SIGTERM) return 143;
    if (gForwarded == SIGINT) return 130;
    for (int st : ended.status)
        if (WEXITSTATUS(st) != 0) return WEXITSTATUS(st);
    return kExitOk;
}

}  // namespace

int launchLocalWorkers(int nproc, const std::vector<std::string>& args) {
    if (nproc < 1 || nproc > kMaxWorkers)
        throw UsageError("--nproc must be between 1 and " + std::to_string(kMaxWorkers));
    bool hasGrace = false;
    const int grace = envInt("STRATA_LAUNCH_GRACE", 0, 3600, &hasGrace);
    const auto graceTime = std::chrono::seconds(hasGrace ? grace : kDefaultGraceSeconds);
    WorkerLaunch launch;
    prepareLaunch(launch, nproc, args);

    struct sigaction forward {};
    forward.sa_handler = forwardSignal;
    sigemptyset(&forward.sa_mask);
    struct sigaction oldInt {}, oldTerm {};
    sigset_t block, previous;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    // Blocked while forking, so a signal is either forwarded to a recorded worker or
    // delivered after the worker's exec (with default handling there, then the worker's own).
    sigprocmask(SIG_BLOCK, &block, &previous);
    sigaction(SIGINT, &forward, &oldInt);
    sigaction(SIGTERM, &forward, &oldTerm);
    gForwarded = 0;
    gWorkerCount = 0;
    std::string forkError;
    const std::vector<pid_t> pids = forkWorkers(launch, nproc, previous, forkError);
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    const WorkersEnded ended = superviseWorkers(pids, !forkError.empty(), graceTime);
    gWorkerCount = 0;
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);

    if (!forkError.empty()) throw std::runtime_error("--nproc: cannot start worker processes: " + forkError);
    return exitCodeOf(ended, nproc);
}

}  // namespace strata::cli
