<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>ym::EventLogModel</name>
    <message>
        <source>attached</source>
        <translation>connecté</translation>
    </message>
    <message>
        <source>detached</source>
        <translation>déconnecté</translation>
    </message>
    <message>
        <source>login refused</source>
        <translation>connexion refusée</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>doublon</translation>
    </message>
    <message>
        <source>keepalive failed</source>
        <translation>keepalive échoué</translation>
    </message>
    <message>
        <source>protocol error</source>
        <translation>erreur de protocole</translation>
    </message>
    <message>
        <source>config reloaded</source>
        <translation>configuration rechargée</translation>
    </message>
    <message>
        <source>config rejected</source>
        <translation>configuration rejetée</translation>
    </message>
    <message>
        <source>started</source>
        <translation>démarré</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>arrêté</translation>
    </message>
    <message>
        <source>administration</source>
        <translation>administration</translation>
    </message>
    <message>
        <source>secret error</source>
        <translation>erreur de secret</translation>
    </message>
    <message>
        <source>worker missing</source>
        <translation>worker absent</translation>
    </message>
    <message>
        <source>mail sent</source>
        <translation>e-mail envoyé</translation>
    </message>
    <message>
        <source>mail failed</source>
        <translation>échec de l’e-mail</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Événement</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Peer</source>
        <translation>Pair</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>instance</source>
        <translation>instance</translation>
    </message>
    <message>
        <source>instance failed</source>
        <translation>échec de l’instance</translation>
    </message>
</context>
<context>
    <name>ym::EventLogView</name>
    <message>
        <source>Filter events (worker, peer, message)…</source>
        <translation>Filtrer les événements (worker, pair, message)…</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>Tous les événements</translation>
    </message>
</context>
<context>
    <name>ym::InstancesPanel</name>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <source>Open instances only</source>
        <translation>Instances ouvertes seulement</translation>
    </message>
    <message>
        <source>Starting, running, stopping, or whose stop failed</source>
        <translation>En démarrage, en cours, en arrêt, ou dont l’arrêt a échoué</translation>
    </message>
    <message>
        <source>Not read yet.</source>
        <translation>Pas encore lu.</translation>
    </message>
    <message>
        <source>Could not read the ledger: %1</source>
        <translation>Impossible de lire le registre des instances : %1</translation>
    </message>
    <message>
        <source>No latent worker instances yet.</source>
        <translation>Aucune instance de worker latent pour l’instant.</translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s), %1 open</source>
        <translation>
            <numerusform>%n instance, %1 ouverte(s)</numerusform>
            <numerusform>%n instances, %1 ouverte(s)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ym::LatentActions</name>
    <message>
        <source>S&amp;tart instance</source>
        <translation>Démarrer l’&amp;instance</translation>
    </message>
    <message>
        <source>St&amp;op instance…</source>
        <translation>Arrê&amp;ter l’instance…</translation>
    </message>
    <message>
        <source>Start the latent worker&apos;s instance now (it stops again when idle)</source>
        <translation>Démarrer maintenant l’instance du worker latent (elle s’arrête à nouveau une fois inactive)</translation>
    </message>
    <message>
        <source>Stop the latent worker&apos;s instance</source>
        <translation>Arrêter l’instance du worker latent</translation>
    </message>
    <message>
        <source>Stop instance</source>
        <translation>Arrêter l’instance</translation>
    </message>
    <message numerus="yes">
        <source>Stop the instance of %1 now? %n running build(s) will be interrupted and run again later.</source>
        <translation>
            <numerusform>Arrêter maintenant l’instance de %1 ? %n build en cours sera interrompu et relancé plus tard.</numerusform>
            <numerusform>Arrêter maintenant l’instance de %1 ? %n builds en cours seront interrompus et relancés plus tard.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ym::LatentFields</name>
    <message>
        <source>e.g. qemu:///session</source>
        <translation>p. ex. qemu:///session</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>Open the connection and list its domains</source>
        <translation>Ouvrir la connexion et lister ses domaines</translation>
    </message>
    <message>
        <source>&amp;Connection:</source>
        <translation>&amp;Connexion :</translation>
    </message>
    <message>
        <source>the domain&apos;s disk, e.g. /var/lib/yardmaster/bot.qcow2</source>
        <translation>le disque du domaine, p. ex. /var/lib/yardmaster/bot.qcow2</translation>
    </message>
    <message>
        <source>&amp;Disk image:</source>
        <translation>Image &amp;disque :</translation>
    </message>
    <message>
        <source>optional: a fresh overlay of it for every start</source>
        <translation>facultatif : une nouvelle surcouche de celle-ci à chaque démarrage</translation>
    </message>
    <message>
        <source>&amp;Base image:</source>
        <translation>Image de &amp;base :</translation>
    </message>
    <message>
        <source>Defined in libvirt (named like the worker)</source>
        <translation>Défini dans libvirt (du nom du worker)</translation>
    </message>
    <message>
        <source>Transient, from an XML file</source>
        <translation>Transitoire, depuis un fichier XML</translation>
    </message>
    <message>
        <source>Transient, from XML written here</source>
        <translation>Transitoire, depuis le XML écrit ici</translation>
    </message>
    <message>
        <source>absolute path of the domain XML</source>
        <translation>chemin absolu du XML du domaine</translation>
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
        <translation>Ne jamais arrêter automatiquement</translation>
    </message>
    <message>
        <source>Idle time after the last build before the instance is stopped; 0 stops it right after each build.</source>
        <translation>Temps d’inactivité après le dernier build avant l’arrêt de l’instance ; 0 l’arrête juste après chaque build.</translation>
    </message>
    <message>
        <source>A libvirt worker needs a connection URI (e.g. qemu:///session).</source>
        <translation>Un worker libvirt a besoin d’une URI de connexion (p. ex. qemu:///session).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a libvirt URI (e.g. qemu:///session).</source>
        <translation>« %1 » n’est pas une URI libvirt (p. ex. qemu:///session).</translation>
    </message>
    <message>
        <source>A base image needs a disk image: the overlay of the base image is created there for every start.</source>
        <translation>Une image de base a besoin d’une image disque : la surcouche de l’image de base y est créée à chaque démarrage.</translation>
    </message>
    <message>
        <source>The base image and the disk image must be different files.</source>
        <translation>L’image de base et l’image disque doivent être des fichiers différents.</translation>
    </message>
    <message>
        <source>Give the path of the domain XML file.</source>
        <translation>Indiquez le chemin du fichier XML du domaine.</translation>
    </message>
    <message>
        <source>The XML file needs an absolute path: %1</source>
        <translation>Le fichier XML doit avoir un chemin absolu : %1</translation>
    </message>
    <message>
        <source>The XML file %1 does not exist.</source>
        <translation>Le fichier XML %1 n’existe pas.</translation>
    </message>
    <message>
        <source>Write the domain XML, or choose another kind of domain.</source>
        <translation>Écrivez le XML du domaine, ou choisissez un autre type de domaine.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Connected.</source>
        <translation>Connecté.</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>Échec de la connexion : %1</translation>
    </message>
    <message>
        <source>Dom&amp;ain:</source>
        <translation>Doma&amp;ine :</translation>
    </message>
    <message>
        <source>&amp;Stop when idle after:</source>
        <translation>Arrêt après &amp;un temps d’inactivité de :</translation>
    </message>
</context>
<context>
    <name>ym::LatentText</name>
    <message>
        <source>stopped</source>
        <translation>arrêté</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>démarrage</translation>
    </message>
    <message>
        <source>waiting for attach</source>
        <translation>attente de connexion</translation>
    </message>
    <message>
        <source>attached</source>
        <translation>connecté</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>arrêt en cours</translation>
    </message>
    <message>
        <source>start failed</source>
        <translation>échec du démarrage</translation>
    </message>
    <message>
        <source>attach timed out</source>
        <translation>délai de connexion dépassé</translation>
    </message>
    <message>
        <source>stop failed</source>
        <translation>échec de l’arrêt</translation>
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
            <numerusform>%n j</numerusform>
            <numerusform>%n j</numerusform>
        </translation>
    </message>
    <message>
        <source>idle, stops in %1</source>
        <translation>inactif, s’arrête dans %1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 since %2</source>
        <translation>%1 depuis %2</translation>
    </message>
    <message>
        <source>Instance: %1 (%2)</source>
        <translation>Instance : %1 (%2)</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Dernière erreur : %1</translation>
    </message>
    <message>
        <source>Failed starts in a row: %1</source>
        <translation>Démarrages échoués d’affilée : %1</translation>
    </message>
    <message>
        <source>No automatic start before %1 (in %2)</source>
        <translation>Pas de démarrage automatique avant %1 (dans %2)</translation>
    </message>
    <message>
        <source>Stops when idle at %1</source>
        <translation>S’arrête, si inactif, à %1</translation>
    </message>
    <message>
        <source>Started for: %1</source>
        <translation>Démarré pour : %1</translation>
    </message>
</context>
<context>
    <name>ym::LedgerModel</name>
    <message>
        <source>starting</source>
        <translation>démarrage</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>arrêt en cours</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>arrêtée</translation>
    </message>
    <message>
        <source>start failed</source>
        <translation>échec du démarrage</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>disparue</translation>
    </message>
    <message>
        <source>stop failed</source>
        <translation>échec de l’arrêt</translation>
    </message>
    <message>
        <source>Open: the instance may still run</source>
        <translation>Ouverte : l’instance tourne peut-être encore</translation>
    </message>
    <message>
        <source>Stop requested %1</source>
        <translation>Arrêt demandé %1</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Driver</source>
        <translation>Pilote</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instance</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>Demandée</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarrée</translation>
    </message>
    <message>
        <source>Attached</source>
        <translation>Connectée</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Arrêtée</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Dernière erreur</translation>
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
        <translation>&amp;Workers</translation>
    </message>
    <message>
        <source>&amp;Event log</source>
        <translation>&amp;Journal des événements</translation>
    </message>
    <message>
        <source>&amp;Builds</source>
        <translation>&amp;Builds</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Workers</translation>
    </message>
    <message>
        <source>&amp;Master</source>
        <translation>&amp;Maître</translation>
    </message>
    <message>
        <source>&amp;Reload config</source>
        <translation>&amp;Recharger la configuration</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>W&amp;orker</source>
        <translation>W&amp;orker</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>Config reloaded</source>
        <translation>Configuration rechargée</translation>
    </message>
    <message>
        <source>Config reload refused: %1</source>
        <translation>Rechargement de la configuration refusé : %1</translation>
    </message>
    <message>
        <source>Master stopped</source>
        <translation>Maître arrêté</translation>
    </message>
    <message>
        <source>The master did not start:
%1</source>
        <translation>Le maître n’a pas démarré :
%1</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>Arrêté</translation>
    </message>
    <message>
        <source>%1 — Yardmaster</source>
        <translation>%1 — Yardmaster</translation>
    </message>
    <message>
        <source>Not listening for workers</source>
        <translation>N’écoute pas les workers</translation>
    </message>
    <message>
        <source>Listening on %1:%2</source>
        <translation>En écoute sur %1:%2</translation>
    </message>
    <message>
        <source>all interfaces</source>
        <translation>toutes les interfaces</translation>
    </message>
    <message>
        <source>Workers connect to %1:%2
Config: %3</source>
        <translation>Les workers se connectent à %1:%2
Configuration : %3</translation>
    </message>
    <message>
        <source>%1 / %2 workers connected</source>
        <translation>%1 / %2 workers connectés</translation>
    </message>
    <message numerus="yes">
        <source>%n build(s) running</source>
        <translation>
            <numerusform>%n build en cours</numerusform>
            <numerusform>%n builds en cours</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Instances</source>
        <translation>&amp;Instances</translation>
    </message>
</context>
<context>
    <name>ym::RelativeTime</name>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>à l’instant</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>il y a %n s</numerusform>
            <numerusform>il y a %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>il y a %n min</numerusform>
            <numerusform>il y a %n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>il y a %n h</numerusform>
            <numerusform>il y a %n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>il y a %n jour</numerusform>
            <numerusform>il y a %n jours</numerusform>
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
        <translation>Ajouter un worker</translation>
    </message>
    <message>
        <source>Edit worker %1</source>
        <translation>Modifier le worker %1</translation>
    </message>
    <message>
        <source>e.g. bot-linux</source>
        <translation>p. ex. bot-linux</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Afficher</translation>
    </message>
    <message>
        <source>Show the password</source>
        <translation>Afficher le mot de passe</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Générer</translation>
    </message>
    <message>
        <source>A strong random password (%1 characters)</source>
        <translation>Un mot de passe aléatoire robuste (%1 caractères)</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>Mot de &amp;passe :</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clé</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Values that read as JSON (numbers, true, false, null, [..], {..}) are stored as such; anything else as text.</source>
        <translation>Les valeurs lisibles en JSON (nombres, true, false, null, [..], {..}) sont enregistrées telles quelles ; tout le reste comme texte.</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>P&amp;roperties:</source>
        <translation>P&amp;ropriétés :</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>Illimité</translation>
    </message>
    <message>
        <source>&amp;Max builds:</source>
        <translation>Builds &amp;max. :</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Désactivé</translation>
    </message>
    <message>
        <source>&amp;Keepalive interval:</source>
        <translation>Intervalle de &amp;keepalive :</translation>
    </message>
    <message>
        <source>admin@example.org, oncall@example.org</source>
        <translation>admin@example.org, oncall@example.org</translation>
    </message>
    <message>
        <source>N&amp;otify when missing:</source>
        <translation>N&amp;otifier en cas d’absence :</translation>
    </message>
    <message>
        <source>M&amp;issing timeout:</source>
        <translation>Délai d’&amp;absence :</translation>
    </message>
    <message>
        <source>required</source>
        <translation>obligatoire</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>inchangé</translation>
    </message>
    <message>
        <source>Stored in the master&apos;s secret store, never in the config.</source>
        <translation>Enregistré dans le coffre de secrets du maître, jamais dans la configuration.</translation>
    </message>
    <message>
        <source>Now in the secret store as &quot;%1&quot;. Leave empty to keep it.</source>
        <translation>Actuellement dans le coffre de secrets sous « %1 ». Laisser vide pour le conserver.</translation>
    </message>
    <message>
        <source>Now read from the environment variable %1. A new password moves it to the secret store.</source>
        <translation>Actuellement lu dans la variable d’environnement %1. Un nouveau mot de passe le déplace dans le coffre de secrets.</translation>
    </message>
    <message>
        <source>Now written in plain text in the config. A new password moves it to the secret store.</source>
        <translation>Actuellement en clair dans la configuration. Un nouveau mot de passe le déplace dans le coffre de secrets.</translation>
    </message>
    <message>
        <source>Row %1 has a value but no key.</source>
        <translation>La ligne %1 a une valeur mais pas de clé.</translation>
    </message>
    <message>
        <source>The key &quot;%1&quot; appears twice.</source>
        <translation>La clé « %1 » apparaît deux fois.</translation>
    </message>
    <message>
        <source>Every worker needs a name.</source>
        <translation>Chaque worker a besoin d’un nom.</translation>
    </message>
    <message>
        <source>A worker named &quot;%1&quot; already exists.</source>
        <translation>Un worker nommé « %1 » existe déjà.</translation>
    </message>
    <message>
        <source>A new worker needs a password.</source>
        <translation>Un nouveau worker a besoin d’un mot de passe.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Non enregistré : %1</translation>
    </message>
    <message>
        <source>Standard (the worker connects by itself)</source>
        <translation>Standard (le worker se connecte de lui-même)</translation>
    </message>
    <message>
        <source>libvirt (started on demand, stopped when idle)</source>
        <translation>libvirt (démarré à la demande, arrêté si inactif)</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>T&amp;ype :</translation>
    </message>
</context>
<context>
    <name>ym::WorkerTableModel</name>
    <message>
        <source>shutting down</source>
        <translation>arrêt en cours</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>connecté</translation>
    </message>
    <message>
        <source>attaching</source>
        <translation>en cours de connexion</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>déconnecté</translation>
    </message>
    <message>
        <source>paused (%1)</source>
        <translation>en pause (%1)</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 / unlimited</source>
        <translation>%1 / illimité</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>Connected since %1</source>
        <translation>Connecté depuis %1</translation>
    </message>
    <message>
        <source>Last seen %1</source>
        <translation>Vu pour la dernière fois %1</translation>
    </message>
    <message>
        <source>Never seen since the master started</source>
        <translation>Jamais vu depuis le démarrage du maître</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Raison : %1</translation>
    </message>
    <message>
        <source>Last disconnect: %1</source>
        <translation>Dernière déconnexion : %1</translation>
    </message>
    <message>
        <source>Peer: %1</source>
        <translation>Pair : %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Connected / last seen</source>
        <translation>Connecté / vu pour la dernière fois</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hôte</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Administrateur</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>Système</translation>
    </message>
    <message>
        <source>Keepalive</source>
        <translation>Keepalive</translation>
    </message>
    <message>
        <source>Missing timeout</source>
        <translation>Délai d’absence</translation>
    </message>
    <message>
        <source>Lifecycle</source>
        <translation>Cycle de vie</translation>
    </message>
</context>
<context>
    <name>ym::WorkersView</name>
    <message>
        <source>&lt;h2&gt;Welcome to Yardmaster&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Bienvenue dans Yardmaster&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Add worker…</source>
        <translation>Ajouter un worker…</translation>
    </message>
    <message>
        <source>Filter workers (name, state, host, OS…)</source>
        <translation>Filtrer les workers (nom, état, hôte, système…)</translation>
    </message>
    <message>
        <source>Worker %1 saved</source>
        <translation>Worker %1 enregistré</translation>
    </message>
    <message>
        <source>Worker %1 removed</source>
        <translation>Worker %1 supprimé</translation>
    </message>
    <message>
        <source>Remove worker</source>
        <translation>Supprimer le worker</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Copy worker command</source>
        <translation>Copier la commande du worker</translation>
    </message>
    <message>
        <source>Command for %1 (with its password) copied</source>
        <translation>Commande pour %1 (avec son mot de passe) copiée</translation>
    </message>
    <message>
        <source>&amp;Add worker…</source>
        <translation>&amp;Ajouter un worker…</translation>
    </message>
    <message>
        <source>&amp;Edit worker…</source>
        <translation>&amp;Modifier le worker…</translation>
    </message>
    <message>
        <source>&amp;Remove worker…</source>
        <translation>&amp;Supprimer le worker…</translation>
    </message>
    <message>
        <source>&amp;Pause…</source>
        <translation>&amp;Mettre en pause…</translation>
    </message>
    <message>
        <source>Pause: the worker gets no new builds (running ones go on)</source>
        <translation>Pause : le worker ne reçoit plus de nouveaux builds (ceux en cours continuent)</translation>
    </message>
    <message>
        <source>&amp;Unpause</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message>
        <source>Graceful &amp;shutdown…</source>
        <translation>&amp;Arrêt en douceur…</translation>
    </message>
    <message>
        <source>Let its running builds finish, then stop the worker process</source>
        <translation>Laisser finir ses builds en cours, puis arrêter le processus du worker</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Déconnecter</translation>
    </message>
    <message>
        <source>Close the connection; the worker reconnects by itself</source>
        <translation>Fermer la connexion ; le worker se reconnecte de lui-même</translation>
    </message>
    <message>
        <source>&amp;Copy worker command</source>
        <translation>&amp;Copier la commande du worker</translation>
    </message>
    <message>
        <source>Copy the buildbot-worker create-worker command (without the password)</source>
        <translation>Copier la commande buildbot-worker create-worker (sans le mot de passe)</translation>
    </message>
    <message>
        <source>Copy worker command with &amp;password</source>
        <translation>Copier la commande du worker avec le mot de &amp;passe</translation>
    </message>
    <message>
        <source>Command for %1 copied (put its password in place of PASSWORD)</source>
        <translation>Commande pour %1 copiée (mettre son mot de passe à la place de PASSWORD)</translation>
    </message>
    <message>
        <source>No workers yet. Add one, then run the command it gives on the worker&apos;s machine (workers connect to this master on port %1).</source>
        <translation>Aucun worker pour l’instant. Ajoutez-en un, puis lancez la commande indiquée sur la machine du worker (les workers se connectent à ce maître sur le port %1).</translation>
    </message>
    <message>
        <source>No workers yet. The master is starting…</source>
        <translation>Aucun worker pour l’instant. Le maître démarre…</translation>
    </message>
    <message>
        <source>Edit worker</source>
        <translation>Modifier le worker</translation>
    </message>
    <message>
        <source>Worker %1 is not in the running config.</source>
        <translation>Le worker %1 n’est pas dans la configuration en cours.</translation>
    </message>
    <message>
        <source>Pause worker %1</source>
        <translation>Mettre le worker %1 en pause</translation>
    </message>
    <message>
        <source>Worker %1 gets no new builds until it is unpaused; running builds go on.
Reason (optional):</source>
        <translation>Le worker %1 ne reçoit plus de nouveaux builds jusqu’à sa reprise ; les builds en cours continuent.
Raison (facultative) :</translation>
    </message>
    <message>
        <source>Remove worker %1 from the config? It is disconnected and its stored password is deleted.</source>
        <translation>Supprimer le worker %1 de la configuration ? Il est déconnecté et son mot de passe enregistré est effacé.</translation>
    </message>
    <message>
        <source>Graceful shutdown</source>
        <translation>Arrêt en douceur</translation>
    </message>
    <message>
        <source>Shut down worker %1? It gets no new builds; once its running builds end, its process stops and must be started again on its machine.</source>
        <translation>Arrêter le worker %1 ? Il ne reçoit plus de nouveaux builds ; une fois ses builds en cours terminés, son processus s’arrête et doit être relancé sur sa machine.</translation>
    </message>
    <message>
        <source>Worker %1 added</source>
        <translation>Worker %1 ajouté</translation>
    </message>
    <message>
        <source>On the worker&apos;s machine (Debian package buildbot-worker), run this with the password you chose, then start it with &quot;buildbot-worker start %1&quot;:</source>
        <translation>Sur la machine du worker (paquet Debian buildbot-worker), lancez ceci avec le mot de passe choisi, puis démarrez-le avec « buildbot-worker start %1 » :</translation>
    </message>
    <message>
        <source>Copy command</source>
        <translation>Copier la commande</translation>
    </message>
</context>
<context>
    <name>ym::ui::BuildText</name>
    <message>
        <source>success</source>
        <translation>succès</translation>
    </message>
    <message>
        <source>warnings</source>
        <translation>avertissements</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>ignoré</translation>
    </message>
    <message>
        <source>exception</source>
        <translation>exception</translation>
    </message>
    <message>
        <source>retry</source>
        <translation>nouvel essai</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>queued (retry %1)</source>
        <translation>en file (essai %1)</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>en file</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
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
        <translation>Workers</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Étapes</translation>
    </message>
    <message>
        <source>Last build</source>
        <translation>Dernier build</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>n° %1 %2</translation>
    </message>
    <message>
        <source>Finished %1</source>
        <translation>Terminé %1</translation>
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
        <translation>Numéro</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>Demandé</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarré</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Étape</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
    <message>
        <source>Finished %1</source>
        <translation>Terminé %1</translation>
    </message>
</context>
<context>
    <name>ym::ui::BuildsPanel</name>
    <message>
        <source>&amp;Force build…</source>
        <translation>&amp;Forcer un build…</translation>
    </message>
    <message>
        <source>Queue a build of the selected builder</source>
        <translation>Mettre en file un build du builder sélectionné</translation>
    </message>
    <message>
        <source>Builders</source>
        <translation>Builders</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
    <message>
        <source>Stopping build %1…</source>
        <translation>Arrêt du build %1…</translation>
    </message>
    <message>
        <source>Cancelling build request %1…</source>
        <translation>Annulation de la demande de build %1…</translation>
    </message>
    <message>
        <source>The engine refused: %1</source>
        <translation>Le moteur a refusé : %1</translation>
    </message>
    <message>
        <source>Build of %1 queued.</source>
        <translation>Build de %1 mis en file.</translation>
    </message>
    <message>
        <source>Forcing a build of %1…</source>
        <translation>Build de %1 forcé…</translation>
    </message>
</context>
<context>
    <name>ym::ui::ForceBuildDialog</name>
    <message>
        <source>Force build of %1</source>
        <translation>Forcer un build de %1</translation>
    </message>
    <message>
        <source>Builder:</source>
        <translation>Builder :</translation>
    </message>
    <message>
        <source>forced</source>
        <translation>forcé</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Raison :</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>Propriété</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>&amp;Add property</source>
        <translation>&amp;Ajouter une propriété</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>Supp&amp;rimer</translation>
    </message>
    <message>
        <source>&amp;Force build</source>
        <translation>&amp;Forcer le build</translation>
    </message>
    <message>
        <source>Properties:</source>
        <translation>Propriétés :</translation>
    </message>
    <message>
        <source>Property %1: the name is missing.</source>
        <translation>Propriété %1 : le nom manque.</translation>
    </message>
    <message>
        <source>Property %1: the name is longer than %2 characters.</source>
        <translation>Propriété %1 : le nom dépasse %2 caractères.</translation>
    </message>
    <message>
        <source>Property %1: &apos;%2&apos; is not a valid name (letters, digits, &apos;_&apos;, &apos;.&apos; and &apos;-&apos;; it starts with a letter or &apos;_&apos;).</source>
        <translation>Propriété %1 : « %2 » n’est pas un nom valide (lettres, chiffres, « _ », « . » et « - » ; il commence par une lettre ou « _ »).</translation>
    </message>
    <message>
        <source>Property %1: &apos;%2&apos; is given twice.</source>
        <translation>Propriété %1 : « %2 » est donnée deux fois.</translation>
    </message>
</context>
<context>
    <name>ym::ui::LogViewer</name>
    <message>
        <source>&amp;Follow</source>
        <translation>&amp;Suivre</translation>
    </message>
    <message>
        <source>Show the newest step and keep the end of its log in view</source>
        <translation>Afficher la dernière étape et garder la fin de son journal visible</translation>
    </message>
    <message>
        <source>&amp;Stop build…</source>
        <translation>&amp;Arrêter le build…</translation>
    </message>
    <message>
        <source>Cannot read the steps: %1</source>
        <translation>Impossible de lire les étapes : %1</translation>
    </message>
    <message>
        <source>Cannot read the log: %1</source>
        <translation>Impossible de lire le journal : %1</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>%1. %2 (%3)</source>
        <translation>%1. %2 (%3)</translation>
    </message>
    <message>
        <source>Only the last %1 lines of this step are shown.</source>
        <translation>Seules les %1 dernières lignes de cette étape sont affichées.</translation>
    </message>
    <message>
        <source>Select a build to see its log.</source>
        <translation>Sélectionnez un build pour voir son journal.</translation>
    </message>
    <message>
        <source>%1: %2, waiting for a worker</source>
        <translation>%1 : %2, en attente d’un worker</translation>
    </message>
    <message>
        <source>%1 #%2 on %3: %4</source>
        <translation>%1 n° %2 sur %3 : %4</translation>
    </message>
    <message>
        <source>%1, step %2</source>
        <translation>%1, étape %2</translation>
    </message>
    <message>
        <source>&amp;Cancel request…</source>
        <translation>&amp;Annuler la demande…</translation>
    </message>
    <message>
        <source>Cancel build request</source>
        <translation>Annuler la demande de build</translation>
    </message>
    <message>
        <source>Cancel the queued build of %1 (request %2)? Reason:</source>
        <translation>Annuler le build en file de %1 (demande %2) ? Raison :</translation>
    </message>
    <message>
        <source>cancelled from the console</source>
        <translation>annulé depuis la console</translation>
    </message>
    <message>
        <source>&amp;Cancel request</source>
        <translation>&amp;Annuler la demande</translation>
    </message>
    <message>
        <source>Stop build</source>
        <translation>Arrêter le build</translation>
    </message>
    <message>
        <source>Stop %1 #%2? Reason:</source>
        <translation>Arrêter %1 n° %2 ? Raison :</translation>
    </message>
    <message>
        <source>stopped from the console</source>
        <translation>arrêté depuis la console</translation>
    </message>
    <message>
        <source>&amp;Stop build</source>
        <translation>&amp;Arrêter le build</translation>
    </message>
</context>
</TS>
