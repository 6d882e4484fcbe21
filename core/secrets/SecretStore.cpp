#include "secrets/SecretStore.h"
