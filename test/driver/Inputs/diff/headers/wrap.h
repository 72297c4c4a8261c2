#pragma once
#include "queue.h"
