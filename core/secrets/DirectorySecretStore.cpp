#include "secrets/DirectorySecretStore.h"
