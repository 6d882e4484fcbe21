#pragma once

#include <QLatin1StringView>

// The JSON key of every setting, written once: the loader, the writer and the
// unknown-key check all use these names.
namespace ym::configkeys {

using K = QLatin1StringView;

// top level
inline constexpr K Master{"master"};
inline constexpr K Workers{"workers"};
inline constexpr K Builders{"builders"};
inline constexpr K Mail{"mail"};

// "master"
inline constexpr K Title{"title"};
inline constexpr K Protocols{"protocols"};
inline constexpr K Database{"database"};
inline constexpr K ControlSocket{"control_socket"};
inline constexpr K SecretsDir{"secrets_dir"};
inline constexpr K ArtifactsDir{"artifacts_dir"};
inline constexpr K PingInterval{"ping_interval"};
inline constexpr K PingTimeout{"ping_timeout"};
inline constexpr K IoThreads{"io_threads"};
inline constexpr K Secrets{"secrets"};

// "master.protocols"
inline constexpr K Msgpack{"msgpack"};
// "master.protocols.msgpack"
inline constexpr K Enabled{"enabled"};
inline constexpr K Port{"port"};
inline constexpr K Bind{"bind"};

// "workers[i]"
inline constexpr K Name{"name"};
inline constexpr K Password{"password"};
inline constexpr K Properties{"properties"};
inline constexpr K MaxBuilds{"max_builds"};
inline constexpr K KeepaliveInterval{"keepalive_interval"};
inline constexpr K NotifyOnMissing{"notify_on_missing"};
inline constexpr K MissingTimeout{"missing_timeout"};
// latent workers (also Type)
inline constexpr K BuildWaitTimeout{"build_wait_timeout"};
inline constexpr K Libvirt{"libvirt"};
// "workers[i].libvirt"
inline constexpr K Connection{"connection"};
inline constexpr K HdImage{"hd_image"};
inline constexpr K BaseImage{"base_image"};
inline constexpr K Xml{"xml"};
inline constexpr K XmlFile{"xml_file"};

// "workers[i].password" as an object
inline constexpr K Secret{"secret"};
inline constexpr K Env{"env"};

// "builders[i]" (also Name, Properties)
inline constexpr K Workernames{"workernames"};
inline constexpr K Builddir{"builddir"};
inline constexpr K Steps{"steps"};

// "builders[i].steps[j]": every type (also Name)
inline constexpr K Type{"type"};
inline constexpr K Workdir{"workdir"};
inline constexpr K HaltOnFailure{"halt_on_failure"};
// shell steps (also Env)
inline constexpr K Command{"command"};
inline constexpr K Timeout{"timeout"};
inline constexpr K MaxTime{"max_time"};
inline constexpr K WantStdout{"want_stdout"};
inline constexpr K WantStderr{"want_stderr"};
inline constexpr K DecodeRc{"decode_rc"};
inline constexpr K InterruptSignal{"interrupt_signal"};
inline constexpr K SigtermTime{"sigterm_time"};
inline constexpr K UsePty{"use_pty"};
inline constexpr K LogEnviron{"log_environ"};
inline constexpr K InitialStdin{"initial_stdin"};
inline constexpr K Logfiles{"logfiles"};
// upload and download steps
inline constexpr K WorkerSrc{"worker_src"};
inline constexpr K MasterDest{"master_dest"};
inline constexpr K MasterSrc{"master_src"};
inline constexpr K WorkerDest{"worker_dest"};
inline constexpr K Maxsize{"maxsize"};
inline constexpr K Blocksize{"blocksize"};
inline constexpr K Mode{"mode"};
inline constexpr K Keepstamp{"keepstamp"};

// "mail" (also Port, Password, Builders)
inline constexpr K Fromaddr{"fromaddr"};
inline constexpr K Relayhost{"relayhost"};
inline constexpr K Tls{"tls"};
inline constexpr K Username{"username"};
inline constexpr K CaFile{"ca_file"};

inline constexpr K TopKeys[] = {Master, Workers, Builders, Mail};
inline constexpr K MasterKeys[] = {Title,    Protocols,     PingInterval, PingTimeout, IoThreads,
                                   Database, ControlSocket, SecretsDir,   ArtifactsDir,
                                   Secrets};
inline constexpr K ProtocolKeys[] = {Msgpack};
inline constexpr K MsgpackKeys[] = {Enabled, Port, Bind};
inline constexpr K WorkerKeys[] = {
    Name,           Password, Properties,       MaxBuilds, KeepaliveInterval, NotifyOnMissing,
    MissingTimeout, Type,     BuildWaitTimeout, Libvirt};
inline constexpr K LibvirtKeys[] = {Connection, HdImage, BaseImage, Xml, XmlFile};
inline constexpr K PasswordKeys[] = {Secret, Env};
inline constexpr K BuilderKeys[] = {Name, Workernames, Builddir, Properties, Steps};
inline constexpr K ShellStepKeys[] = {
    Type,        Name,       Command,    Workdir,       Env,      Timeout,
    MaxTime,     WantStdout, WantStderr, HaltOnFailure, DecodeRc, InterruptSignal,
    SigtermTime, UsePty,     LogEnviron, InitialStdin,  Logfiles};
inline constexpr K UploadStepKeys[] = {Type,    Name,      Workdir, WorkerSrc, MasterDest,
                                       Maxsize, Blocksize, Mode,    Keepstamp, HaltOnFailure};
inline constexpr K DownloadStepKeys[] = {Type,    Name,      Workdir, MasterSrc,    WorkerDest,
                                         Maxsize, Blocksize, Mode,    HaltOnFailure};
inline constexpr K MailKeys[] = {Fromaddr, Relayhost, Port,     Tls,
                                 Username, Password,  Builders, CaFile};

} // namespace ym::configkeys
