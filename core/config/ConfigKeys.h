#pragma once

#include <QLatin1StringView>

// The JSON key of every setting, written once: the loader, the writer and the
// unknown-key check all use these names.
namespace ym::configkeys {

using K = QLatin1StringView;

// top level
inline constexpr K Master{"master"};
inline constexpr K Workers{"workers"};

// "master"
inline constexpr K Title{"title"};
inline constexpr K Protocols{"protocols"};
inline constexpr K Database{"database"};
inline constexpr K ControlSocket{"control_socket"};
inline constexpr K SecretsDir{"secrets_dir"};
inline constexpr K PingInterval{"ping_interval"};
inline constexpr K PingTimeout{"ping_timeout"};
inline constexpr K IoThreads{"io_threads"};

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

// "workers[i].password" as an object
inline constexpr K Secret{"secret"};
inline constexpr K Env{"env"};

inline constexpr K TopKeys[] = {Master, Workers};
inline constexpr K MasterKeys[] = {Title,     Protocols, PingInterval,  PingTimeout,
                                   IoThreads, Database,  ControlSocket, SecretsDir};
inline constexpr K ProtocolKeys[] = {Msgpack};
inline constexpr K MsgpackKeys[] = {Enabled, Port, Bind};
inline constexpr K WorkerKeys[] = {
    Name, Password, Properties, MaxBuilds, KeepaliveInterval, NotifyOnMissing, MissingTimeout};
inline constexpr K PasswordKeys[] = {Secret, Env};

} // namespace ym::configkeys
