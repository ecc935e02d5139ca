#include "controller/http/http_server.hpp"
