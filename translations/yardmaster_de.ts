<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ym::EventLogModel</name>
    <message>
        <source>attached</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>detached</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>login refused</source>
        <translation>Anmeldung abgelehnt</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>Duplikat</translation>
    </message>
    <message>
        <source>keepalive failed</source>
        <translation>Keepalive fehlgeschlagen</translation>
    </message>
    <message>
        <source>protocol error</source>
        <translation>Protokollfehler</translation>
    </message>
    <message>
        <source>config reloaded</source>
        <translation>Konfiguration neu geladen</translation>
    </message>
    <message>
        <source>config rejected</source>
        <translation>Konfiguration abgelehnt</translation>
    </message>
    <message>
        <source>started</source>
        <translation>gestartet</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>administration</source>
        <translation>Verwaltung</translation>
    </message>
    <message>
        <source>secret error</source>
        <translation>Geheimnisfehler</translation>
    </message>
    <message>
        <source>worker missing</source>
        <translation>Worker fehlt</translation>
    </message>
    <message>
        <source>mail sent</source>
        <translation>E-Mail gesendet</translation>
    </message>
    <message>
        <source>mail failed</source>
        <translation>E-Mail fehlgeschlagen</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Peer</source>
        <translation>Gegenstelle</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>instance failed</source>
        <translation>Instanz fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>ym::EventLogView</name>
    <message>
        <source>Filter events (worker, peer, message)…</source>
        <translation>Ereignisse filtern (Worker, Gegenstelle, Meldung)…</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>Alle Ereignisse</translation>
    </message>
</context>
<context>
    <name>ym::InstancesPanel</name>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Open instances only</source>
        <translation>Nur offene Instanzen</translation>
    </message>
    <message>
        <source>Starting, running, stopping, or whose stop failed</source>
        <translation>Startend, laufend, stoppend oder mit fehlgeschlagenem Stopp</translation>
    </message>
    <message>
        <source>Not read yet.</source>
        <translation>Noch nicht gelesen.</translation>
    </message>
    <message>
        <source>Could not read the ledger: %1</source>
        <translation>Das Instanzregister konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No latent worker instances yet.</source>
        <translation>Noch keine Instanzen latenter Worker.</translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s), %1 open</source>
        <translation>
            <numerusform>%n Instanz, %1 offen</numerusform>
            <numerusform>%n Instanzen, %1 offen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ym::LatentActions</name>
    <message>
        <source>S&amp;tart instance</source>
        <translation>Instanz &amp;starten</translation>
    </message>
    <message>
        <source>St&amp;op instance…</source>
        <translation>Instanz st&amp;oppen…</translation>
    </message>
    <message>
        <source>Start the latent worker&apos;s instance now (it stops again when idle)</source>
        <translation>Die Instanz des latenten Workers jetzt starten (sie stoppt wieder, wenn sie untätig ist)</translation>
    </message>
    <message>
        <source>Stop the latent worker&apos;s instance</source>
        <translation>Die Instanz des latenten Workers stoppen</translation>
    </message>
    <message>
        <source>Stop instance</source>
        <translation>Instanz stoppen</translation>
    </message>
    <message numerus="yes">
        <source>Stop the instance of %1 now? %n running build(s) will be interrupted and run again later.</source>
        <translation>
            <numerusform>Die Instanz von %1 jetzt stoppen? %n laufender Build wird abgebrochen und später erneut ausgeführt.</numerusform>
            <numerusform>Die Instanz von %1 jetzt stoppen? %n laufende Builds werden abgebrochen und später erneut ausgeführt.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ym::LatentFields</name>
    <message>
        <source>e.g. qemu:///session</source>
        <translation>z. B. qemu:///session</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Open the connection and list its domains</source>
        <translation>Die Verbindung öffnen und ihre Domains auflisten</translation>
    </message>
    <message>
        <source>&amp;Connection:</source>
        <translation>&amp;Verbindung:</translation>
    </message>
    <message>
        <source>the domain&apos;s disk, e.g. /var/lib/yardmaster/bot.qcow2</source>
        <translation>die Festplatte der Domain, z. B. /var/lib/yardmaster/bot.qcow2</translation>
    </message>
    <message>
        <source>&amp;Disk image:</source>
        <translation>&amp;Festplattenabbild:</translation>
    </message>
    <message>
        <source>optional: a fresh overlay of it for every start</source>
        <translation>optional: für jeden Start ein frisches Overlay davon</translation>
    </message>
    <message>
        <source>&amp;Base image:</source>
        <translation>&amp;Basisabbild:</translation>
    </message>
    <message>
        <source>Defined in libvirt (named like the worker)</source>
        <translation>In libvirt definiert (benannt wie der Worker)</translation>
    </message>
    <message>
        <source>Transient, from an XML file</source>
        <translation>Transient, aus einer XML-Datei</translation>
    </message>
    <message>
        <source>Transient, from XML written here</source>
        <translation>Transient, aus hier geschriebenem XML</translation>
    </message>
    <message>
        <source>absolute path of the domain XML</source>
        <translation>absoluter Pfad des Domain-XML</translation>
    </message>
    <message>
        <source>&lt;domain type=&apos;kvm&apos;&gt;…&lt;/domain&gt;</source>
        <translation>&lt;domain type=&apos;kvm&apos;&gt;…&lt;/domain&gt;</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Never stop automatically</source>
        <translation>Nie automatisch stoppen</translation>
    </message>
    <message>
        <source>Idle time after the last build before the instance is stopped; 0 stops it right after each build.</source>
        <translation>Leerlaufzeit nach dem letzten Build, bevor die Instanz gestoppt wird; 0 stoppt sie direkt nach jedem Build.</translation>
    </message>
    <message>
        <source>A libvirt worker needs a connection URI (e.g. qemu:///session).</source>
        <translation>Ein libvirt-Worker braucht eine Verbindungs-URI (z. B. qemu:///session).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a libvirt URI (e.g. qemu:///session).</source>
        <translation>„%1“ ist keine libvirt-URI (z. B. qemu:///session).</translation>
    </message>
    <message>
        <source>A base image needs a disk image: the overlay of the base image is created there for every start.</source>
        <translation>Ein Basisabbild braucht ein Festplattenabbild: Dort wird für jeden Start das Overlay des Basisabbilds angelegt.</translation>
    </message>
    <message>
        <source>The base image and the disk image must be different files.</source>
        <translation>Basisabbild und Festplattenabbild müssen verschiedene Dateien sein.</translation>
    </message>
    <message>
        <source>Give the path of the domain XML file.</source>
        <translation>Geben Sie den Pfad der Domain-XML-Datei an.</translation>
    </message>
    <message>
        <source>The XML file needs an absolute path: %1</source>
        <translation>Die XML-Datei braucht einen absoluten Pfad: %1</translation>
    </message>
    <message>
        <source>The XML file %1 does not exist.</source>
        <translation>Die XML-Datei %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Write the domain XML, or choose another kind of domain.</source>
        <translation>Schreiben Sie das Domain-XML oder wählen Sie eine andere Art von Domain.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Connected.</source>
        <translation>Verbunden.</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>Verbindung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Dom&amp;ain:</source>
        <translation>&amp;Domain:</translation>
    </message>
    <message>
        <source>&amp;Stop when idle after:</source>
        <translation>&amp;Stoppen nach Leerlauf von:</translation>
    </message>
</context>
<context>
    <name>ym::LatentText</name>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>waiting for attach</source>
        <translation>wartet auf Verbindung</translation>
    </message>
    <message>
        <source>attached</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>stoppt</translation>
    </message>
    <message>
        <source>start failed</source>
        <translation>Start fehlgeschlagen</translation>
    </message>
    <message>
        <source>attach timed out</source>
        <translation>Verbindung ausgeblieben</translation>
    </message>
    <message>
        <source>stop failed</source>
        <translation>Stopp fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n d</source>
        <translation>
            <numerusform>%n T.</numerusform>
            <numerusform>%n T.</numerusform>
        </translation>
    </message>
    <message>
        <source>idle, stops in %1</source>
        <translation>untätig, stoppt in %1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 since %2</source>
        <translation>%1 seit %2</translation>
    </message>
    <message>
        <source>Instance: %1 (%2)</source>
        <translation>Instanz: %1 (%2)</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>Failed starts in a row: %1</source>
        <translation>Fehlgeschlagene Starts in Folge: %1</translation>
    </message>
    <message>
        <source>No automatic start before %1 (in %2)</source>
        <translation>Kein automatischer Start vor %1 (in %2)</translation>
    </message>
    <message>
        <source>Stops when idle at %1</source>
        <translation>Stoppt bei Leerlauf um %1</translation>
    </message>
    <message>
        <source>Started for: %1</source>
        <translation>Gestartet für: %1</translation>
    </message>
</context>
<context>
    <name>ym::LedgerModel</name>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>stoppt</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>start failed</source>
        <translation>Start fehlgeschlagen</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>verschwunden</translation>
    </message>
    <message>
        <source>stop failed</source>
        <translation>Stopp fehlgeschlagen</translation>
    </message>
    <message>
        <source>Open: the instance may still run</source>
        <translation>Offen: Die Instanz läuft womöglich noch</translation>
    </message>
    <message>
        <source>Stop requested %1</source>
        <translation>Stopp angefordert %1</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Driver</source>
        <translation>Treiber</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>Angefordert</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Attached</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Gestoppt</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
</context>
<context>
    <name>ym::MainWindow</name>
    <message>
        <source>Yardmaster</source>
        <translation>Yardmaster</translation>
    </message>
    <message>
        <source>&amp;Workers</source>
        <translation>&amp;Worker</translation>
    </message>
    <message>
        <source>&amp;Event log</source>
        <translation>&amp;Ereignisprotokoll</translation>
    </message>
    <message>
        <source>&amp;Builds</source>
        <translation>&amp;Builds</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>&amp;Master</source>
        <translation>&amp;Master</translation>
    </message>
    <message>
        <source>&amp;Reload config</source>
        <translation>Konfiguration &amp;neu laden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>W&amp;orker</source>
        <translation>W&amp;orker</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>Config reloaded</source>
        <translation>Konfiguration neu geladen</translation>
    </message>
    <message>
        <source>Config reload refused: %1</source>
        <translation>Neuladen der Konfiguration abgelehnt: %1</translation>
    </message>
    <message>
        <source>Master stopped</source>
        <translation>Master gestoppt</translation>
    </message>
    <message>
        <source>The master did not start:
%1</source>
        <translation>Der Master ist nicht gestartet:
%1</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>Läuft nicht</translation>
    </message>
    <message>
        <source>%1 — Yardmaster</source>
        <translation>%1 — Yardmaster</translation>
    </message>
    <message>
        <source>Not listening for workers</source>
        <translation>Wartet nicht auf Worker</translation>
    </message>
    <message>
        <source>Listening on %1:%2</source>
        <translation>Wartet auf %1:%2</translation>
    </message>
    <message>
        <source>all interfaces</source>
        <translation>allen Schnittstellen</translation>
    </message>
    <message>
        <source>Workers connect to %1:%2
Config: %3</source>
        <translation>Worker verbinden sich mit %1:%2
Konfiguration: %3</translation>
    </message>
    <message>
        <source>%1 / %2 workers connected</source>
        <translation>%1 / %2 Worker verbunden</translation>
    </message>
    <message numerus="yes">
        <source>%n build(s) running</source>
        <translation>
            <numerusform>%n Build läuft</numerusform>
            <numerusform>%n Builds laufen</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Instances</source>
        <translation>&amp;Instanzen</translation>
    </message>
</context>
<context>
    <name>ym::RelativeTime</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>vor %n s</numerusform>
            <numerusform>vor %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>vor %n min</numerusform>
            <numerusform>vor %n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>vor %n h</numerusform>
            <numerusform>vor %n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>vor %n Tag</numerusform>
            <numerusform>vor %n Tagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ym::WorkerDialog</name>
    <message>
        <source>Add worker</source>
        <translation>Worker hinzufügen</translation>
    </message>
    <message>
        <source>Edit worker %1</source>
        <translation>Worker %1 bearbeiten</translation>
    </message>
    <message>
        <source>e.g. bot-linux</source>
        <translation>z. B. bot-linux</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Show the password</source>
        <translation>Das Passwort anzeigen</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Erzeugen</translation>
    </message>
    <message>
        <source>A strong random password (%1 characters)</source>
        <translation>Ein starkes Zufallspasswort (%1 Zeichen)</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Values that read as JSON (numbers, true, false, null, [..], {..}) are stored as such; anything else as text.</source>
        <translation>Werte, die sich als JSON lesen lassen (Zahlen, true, false, null, [..], {..}), werden als solche gespeichert, alles andere als Text.</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>P&amp;roperties:</source>
        <translation>&amp;Eigenschaften:</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <source>&amp;Max builds:</source>
        <translation>&amp;Max. Builds:</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>&amp;Keepalive interval:</source>
        <translation>&amp;Keepalive-Intervall:</translation>
    </message>
    <message>
        <source>admin@example.org, oncall@example.org</source>
        <translation>admin@example.org, oncall@example.org</translation>
    </message>
    <message>
        <source>N&amp;otify when missing:</source>
        <translation>Bei &amp;Ausbleiben benachrichtigen:</translation>
    </message>
    <message>
        <source>M&amp;issing timeout:</source>
        <translation>Ausbleibe-&amp;Zeitlimit:</translation>
    </message>
    <message>
        <source>required</source>
        <translation>erforderlich</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <source>Stored in the master&apos;s secret store, never in the config.</source>
        <translation>Im Geheimnisspeicher des Masters abgelegt, nie in der Konfiguration.</translation>
    </message>
    <message>
        <source>Now in the secret store as &quot;%1&quot;. Leave empty to keep it.</source>
        <translation>Derzeit im Geheimnisspeicher als „%1“. Leer lassen, um es zu behalten.</translation>
    </message>
    <message>
        <source>Now read from the environment variable %1. A new password moves it to the secret store.</source>
        <translation>Derzeit aus der Umgebungsvariablen %1 gelesen. Ein neues Passwort verschiebt es in den Geheimnisspeicher.</translation>
    </message>
    <message>
        <source>Now written in plain text in the config. A new password moves it to the secret store.</source>
        <translation>Derzeit im Klartext in der Konfiguration. Ein neues Passwort verschiebt es in den Geheimnisspeicher.</translation>
    </message>
    <message>
        <source>Row %1 has a value but no key.</source>
        <translation>Zeile %1 hat einen Wert, aber keinen Schlüssel.</translation>
    </message>
    <message>
        <source>The key &quot;%1&quot; appears twice.</source>
        <translation>Der Schlüssel „%1“ kommt zweimal vor.</translation>
    </message>
    <message>
        <source>Every worker needs a name.</source>
        <translation>Jeder Worker braucht einen Namen.</translation>
    </message>
    <message>
        <source>A worker named &quot;%1&quot; already exists.</source>
        <translation>Ein Worker namens „%1“ existiert bereits.</translation>
    </message>
    <message>
        <source>A new worker needs a password.</source>
        <translation>Ein neuer Worker braucht ein Passwort.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Standard (the worker connects by itself)</source>
        <translation>Standard (der Worker verbindet sich selbst)</translation>
    </message>
    <message>
        <source>libvirt (started on demand, stopped when idle)</source>
        <translation>libvirt (bei Bedarf gestartet, bei Leerlauf gestoppt)</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>T&amp;yp:</translation>
    </message>
</context>
<context>
    <name>ym::WorkerTableModel</name>
    <message>
        <source>shutting down</source>
        <translation>wird heruntergefahren</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>attaching</source>
        <translation>verbindet</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>paused (%1)</source>
        <translation>pausiert (%1)</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 / unlimited</source>
        <translation>%1 / unbegrenzt</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>deaktiviert</translation>
    </message>
    <message>
        <source>Connected since %1</source>
        <translation>Verbunden seit %1</translation>
    </message>
    <message>
        <source>Last seen %1</source>
        <translation>Zuletzt gesehen %1</translation>
    </message>
    <message>
        <source>Never seen since the master started</source>
        <translation>Seit dem Start des Masters nie gesehen</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
    <message>
        <source>Last disconnect: %1</source>
        <translation>Letzte Trennung: %1</translation>
    </message>
    <message>
        <source>Peer: %1</source>
        <translation>Gegenstelle: %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Connected / last seen</source>
        <translation>Verbunden / zuletzt gesehen</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>Betriebssystem</translation>
    </message>
    <message>
        <source>Keepalive</source>
        <translation>Keepalive</translation>
    </message>
    <message>
        <source>Missing timeout</source>
        <translation>Ausbleibe-Zeitlimit</translation>
    </message>
    <message>
        <source>Lifecycle</source>
        <translation>Lebenszyklus</translation>
    </message>
</context>
<context>
    <name>ym::WorkersView</name>
    <message>
        <source>&lt;h2&gt;Welcome to Yardmaster&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Willkommen bei Yardmaster&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Add worker…</source>
        <translation>Worker hinzufügen…</translation>
    </message>
    <message>
        <source>Filter workers (name, state, host, OS…)</source>
        <translation>Worker filtern (Name, Zustand, Host, Betriebssystem…)</translation>
    </message>
    <message>
        <source>Worker %1 saved</source>
        <translation>Worker %1 gespeichert</translation>
    </message>
    <message>
        <source>Worker %1 removed</source>
        <translation>Worker %1 entfernt</translation>
    </message>
    <message>
        <source>Remove worker</source>
        <translation>Worker entfernen</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Copy worker command</source>
        <translation>Worker-Befehl kopieren</translation>
    </message>
    <message>
        <source>Command for %1 (with its password) copied</source>
        <translation>Befehl für %1 (mit seinem Passwort) kopiert</translation>
    </message>
    <message>
        <source>&amp;Add worker…</source>
        <translation>Worker &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Edit worker…</source>
        <translation>Worker &amp;bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Remove worker…</source>
        <translation>Worker &amp;entfernen…</translation>
    </message>
    <message>
        <source>&amp;Pause…</source>
        <translation>&amp;Pausieren…</translation>
    </message>
    <message>
        <source>Pause: the worker gets no new builds (running ones go on)</source>
        <translation>Pausieren: Der Worker erhält keine neuen Builds (laufende gehen weiter)</translation>
    </message>
    <message>
        <source>&amp;Unpause</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Graceful &amp;shutdown…</source>
        <translation>Geordnet her&amp;unterfahren…</translation>
    </message>
    <message>
        <source>Let its running builds finish, then stop the worker process</source>
        <translation>Laufende Builds beenden lassen, dann den Worker-Prozess stoppen</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>Close the connection; the worker reconnects by itself</source>
        <translation>Die Verbindung schließen; der Worker verbindet sich von selbst neu</translation>
    </message>
    <message>
        <source>&amp;Copy worker command</source>
        <translation>Worker-Befehl &amp;kopieren</translation>
    </message>
    <message>
        <source>Copy the buildbot-worker create-worker command (without the password)</source>
        <translation>Den Befehl buildbot-worker create-worker kopieren (ohne das Passwort)</translation>
    </message>
    <message>
        <source>Copy worker command with &amp;password</source>
        <translation>Worker-Befehl mit &amp;Passwort kopieren</translation>
    </message>
    <message>
        <source>Command for %1 copied (put its password in place of PASSWORD)</source>
        <translation>Befehl für %1 kopiert (sein Passwort anstelle von PASSWORD einsetzen)</translation>
    </message>
    <message>
        <source>No workers yet. Add one, then run the command it gives on the worker&apos;s machine (workers connect to this master on port %1).</source>
        <translation>Noch keine Worker. Fügen Sie einen hinzu und führen Sie den angezeigten Befehl auf dem Rechner des Workers aus (Worker verbinden sich mit diesem Master auf Port %1).</translation>
    </message>
    <message>
        <source>No workers yet. The master is starting…</source>
        <translation>Noch keine Worker. Der Master startet…</translation>
    </message>
    <message>
        <source>Edit worker</source>
        <translation>Worker bearbeiten</translation>
    </message>
    <message>
        <source>Worker %1 is not in the running config.</source>
        <translation>Worker %1 ist nicht in der laufenden Konfiguration.</translation>
    </message>
    <message>
        <source>Pause worker %1</source>
        <translation>Worker %1 pausieren</translation>
    </message>
    <message>
        <source>Worker %1 gets no new builds until it is unpaused; running builds go on.
Reason (optional):</source>
        <translation>Worker %1 erhält keine neuen Builds, bis er fortgesetzt wird; laufende Builds gehen weiter.
Grund (optional):</translation>
    </message>
    <message>
        <source>Remove worker %1 from the config? It is disconnected and its stored password is deleted.</source>
        <translation>Worker %1 aus der Konfiguration entfernen? Er wird getrennt und sein gespeichertes Passwort gelöscht.</translation>
    </message>
    <message>
        <source>Graceful shutdown</source>
        <translation>Geordnet herunterfahren</translation>
    </message>
    <message>
        <source>Shut down worker %1? It gets no new builds; once its running builds end, its process stops and must be started again on its machine.</source>
        <translation>Worker %1 herunterfahren? Er erhält keine neuen Builds; sobald seine laufenden Builds enden, stoppt sein Prozess und muss auf seinem Rechner neu gestartet werden.</translation>
    </message>
    <message>
        <source>Worker %1 added</source>
        <translation>Worker %1 hinzugefügt</translation>
    </message>
    <message>
        <source>On the worker&apos;s machine (Debian package buildbot-worker), run this with the password you chose, then start it with &quot;buildbot-worker start %1&quot;:</source>
        <translation>Führen Sie dies auf dem Rechner des Workers (Debian-Paket buildbot-worker) mit dem gewählten Passwort aus und starten Sie ihn dann mit „buildbot-worker start %1“:</translation>
    </message>
    <message>
        <source>Copy command</source>
        <translation>Befehl kopieren</translation>
    </message>
</context>
<context>
    <name>ym::ui::BuildText</name>
    <message>
        <source>success</source>
        <translation>Erfolg</translation>
    </message>
    <message>
        <source>warnings</source>
        <translation>Warnungen</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>Fehlschlag</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <source>exception</source>
        <translation>Ausnahme</translation>
    </message>
    <message>
        <source>retry</source>
        <translation>Wiederholung</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>queued (retry %1)</source>
        <translation>eingereiht (Wiederholung %1)</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>eingereiht</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
</context>
<context>
    <name>ym::ui::BuildersModel</name>
    <message>
        <source>Builder</source>
        <translation>Builder</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Last build</source>
        <translation>Letzter Build</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>Finished %1</source>
        <translation>Beendet %1</translation>
    </message>
</context>
<context>
    <name>ym::ui::BuildsModel</name>
    <message>
        <source>Builder</source>
        <translation>Builder</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>Angefordert</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Finished %1</source>
        <translation>Beendet %1</translation>
    </message>
</context>
<context>
    <name>ym::ui::BuildsPanel</name>
    <message>
        <source>&amp;Force build…</source>
        <translation>Build &amp;erzwingen…</translation>
    </message>
    <message>
        <source>Queue a build of the selected builder</source>
        <translation>Einen Build des ausgewählten Builders einreihen</translation>
    </message>
    <message>
        <source>Builders</source>
        <translation>Builder</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Stopping build %1…</source>
        <translation>Build %1 wird gestoppt…</translation>
    </message>
    <message>
        <source>Cancelling build request %1…</source>
        <translation>Build-Anforderung %1 wird abgebrochen…</translation>
    </message>
    <message>
        <source>The engine refused: %1</source>
        <translation>Die Engine hat abgelehnt: %1</translation>
    </message>
    <message>
        <source>Build of %1 queued.</source>
        <translation>Build von %1 eingereiht.</translation>
    </message>
    <message>
        <source>Forcing a build of %1…</source>
        <translation>Build von %1 wird erzwungen…</translation>
    </message>
</context>
<context>
    <name>ym::ui::ForceBuildDialog</name>
    <message>
        <source>Force build of %1</source>
        <translation>Build von %1 erzwingen</translation>
    </message>
    <message>
        <source>Builder:</source>
        <translation>Builder:</translation>
    </message>
    <message>
        <source>forced</source>
        <translation>erzwungen</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>Eigenschaft</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>&amp;Add property</source>
        <translation>Eigenschaft &amp;hinzufügen</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>&amp;Force build</source>
        <translation>Build &amp;erzwingen</translation>
    </message>
    <message>
        <source>Properties:</source>
        <translation>Eigenschaften:</translation>
    </message>
    <message>
        <source>Property %1: the name is missing.</source>
        <translation>Eigenschaft %1: Der Name fehlt.</translation>
    </message>
    <message>
        <source>Property %1: the name is longer than %2 characters.</source>
        <translation>Eigenschaft %1: Der Name ist länger als %2 Zeichen.</translation>
    </message>
    <message>
        <source>Property %1: &apos;%2&apos; is not a valid name (letters, digits, &apos;_&apos;, &apos;.&apos; and &apos;-&apos;; it starts with a letter or &apos;_&apos;).</source>
        <translation>Eigenschaft %1: „%2“ ist kein gültiger Name (Buchstaben, Ziffern, „_“, „.“ und „-“; er beginnt mit einem Buchstaben oder „_“).</translation>
    </message>
    <message>
        <source>Property %1: &apos;%2&apos; is given twice.</source>
        <translation>Eigenschaft %1: „%2“ ist doppelt angegeben.</translation>
    </message>
</context>
<context>
    <name>ym::ui::LogViewer</name>
    <message>
        <source>&amp;Follow</source>
        <translation>&amp;Folgen</translation>
    </message>
    <message>
        <source>Show the newest step and keep the end of its log in view</source>
        <translation>Den neuesten Schritt zeigen und das Ende seines Protokolls im Blick behalten</translation>
    </message>
    <message>
        <source>&amp;Stop build…</source>
        <translation>Build &amp;stoppen…</translation>
    </message>
    <message>
        <source>Cannot read the steps: %1</source>
        <translation>Die Schritte können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Cannot read the log: %1</source>
        <translation>Das Protokoll kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>%1. %2 (%3)</source>
        <translation>%1. %2 (%3)</translation>
    </message>
    <message>
        <source>Only the last %1 lines of this step are shown.</source>
        <translation>Nur die letzten %1 Zeilen dieses Schritts werden angezeigt.</translation>
    </message>
    <message>
        <source>Select a build to see its log.</source>
        <translation>Wählen Sie einen Build, um sein Protokoll zu sehen.</translation>
    </message>
    <message>
        <source>%1: %2, waiting for a worker</source>
        <translation>%1: %2, wartet auf einen Worker</translation>
    </message>
    <message>
        <source>%1 #%2 on %3: %4</source>
        <translation>%1 #%2 auf %3: %4</translation>
    </message>
    <message>
        <source>%1, step %2</source>
        <translation>%1, Schritt %2</translation>
    </message>
    <message>
        <source>&amp;Cancel request…</source>
        <translation>Anforderung &amp;abbrechen…</translation>
    </message>
    <message>
        <source>Cancel build request</source>
        <translation>Build-Anforderung abbrechen</translation>
    </message>
    <message>
        <source>Cancel the queued build of %1 (request %2)? Reason:</source>
        <translation>Den eingereihten Build von %1 (Anforderung %2) abbrechen? Grund:</translation>
    </message>
    <message>
        <source>cancelled from the console</source>
        <translation>in der Konsole abgebrochen</translation>
    </message>
    <message>
        <source>&amp;Cancel request</source>
        <translation>Anforderung &amp;abbrechen</translation>
    </message>
    <message>
        <source>Stop build</source>
        <translation>Build stoppen</translation>
    </message>
    <message>
        <source>Stop %1 #%2? Reason:</source>
        <translation>%1 #%2 stoppen? Grund:</translation>
    </message>
    <message>
        <source>stopped from the console</source>
        <translation>in der Konsole gestoppt</translation>
    </message>
    <message>
        <source>&amp;Stop build</source>
        <translation>Build &amp;stoppen</translation>
    </message>
</context>
</TS>
