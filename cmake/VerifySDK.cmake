#[=======================================================================[.rst:
VerifySDK
---------

Keep Alibaba Cloud's offline face-recognition SDK (the Cloudauth offline SDK)
up to date in an app's source tree, as a step of the app's own build.

The SDK the service generates is bound to one build of the app, so it has to be
fetched again whenever the app package changes. This module adds that step to
the target that produces the package: after the target is built in a release
configuration, the ``verifysdk`` tool compares the package with the one the
installed SDK was made for, and only when they differ asks the service for a
new SDK, waits for it, verifies it and swaps it into place. When nothing
changed the step costs a hash of the package and no network traffic.

Load it with one of:

.. code-block:: cmake

  find_package(VerifySDK CONFIG REQUIRED)        # an installed verifysdk

  add_subdirectory(path/to/verifysdk)            # or FetchContent
  list(APPEND CMAKE_MODULE_PATH "${VERIFYSDK_MODULE_DIR}")
  include(VerifySDK)

The module needs CMake 3.21 or newer and may be included any number of times;
it is read once.

Synopsis
^^^^^^^^

.. parsed-literal::

  verifysdk_add_refresh(<target>
                        APP_URL <url> | UPLOAD oss://<bucket>/<prefix>/
                        DESTINATION <dir>
                        [APP_FILE <file>]
                        [CONFIGS <config>...]
                        [PLATFORM android|ios]
                        [PROFILE <name>]
                        [REGION <region>]
                        [ENDPOINT <url>]
                        [CA_FILE <file>]
                        [WAIT_TIMEOUT <seconds>]
                        [UPLOAD_EXPIRES <seconds>]
                        [OSS_REGION <region>]
                        [OSS_ENDPOINT <url>]
                        [ON_ERROR FAIL|WARN]
                        [OFFLINE]
                        [EXTRA_ARGS <arg>...])

Commands
^^^^^^^^

.. command:: verifysdk_add_refresh

  Refresh the SDK after ``<target>`` is built.

  .. code-block:: cmake

    verifysdk_add_refresh(<target> APP_URL <url> DESTINATION <dir> [<option>...])

  ``<target>`` is the target whose build produces the app package: an
  executable or library target, or a custom target (then ``APP_FILE`` is
  required). It must exist already and must have been created in the
  directory that calls this command. An ``ALIAS`` is resolved to the target it
  names; ``IMPORTED`` and ``INTERFACE`` targets are refused because they build
  nothing.

  The command adds two things:

  * A ``POST_BUILD`` step on ``<target>`` that runs ``verifysdk fetch`` each
    time the target is built in one of ``CONFIGS``. In any other
    configuration (``Debug`` by default) the step runs nothing at all. The
    choice is made with generator expressions, so it works the same with
    single-configuration generators (Ninja, Makefiles) and multi-configuration
    ones (Ninja Multi-Config, Xcode, Visual Studio).

    With the Ninja generators the output of a step is normally held back until
    the step ends. So that the tool's progress shows live, the step asks for
    Ninja's ``console`` pool: a custom target's ``POST_BUILD`` steps run in it
    directly; for an executable or library target, whose ``POST_BUILD`` steps
    are part of its link step, the module sets the target property
    :prop_tgt:`JOB_POOL_LINK` to ``console`` unless it is set already.

  * A custom target ``<target>_verifysdk_refresh``, not part of ``all``, that
    builds ``<target>`` and then refreshes the SDK even if the package did not
    change (``verifysdk fetch --refresh always``). It runs in whichever
    configuration it is built in, ignoring ``CONFIGS``, and a failure always
    fails it, ignoring ``ON_ERROR``: building it by hand is an explicit request.

  Arguments marked *(genex)* may contain generator expressions. Relative paths
  are resolved when the command is called, from the directories named below.

  ``APP_URL <url>``
    Required *(genex)*. The address the service downloads the app package from:
    the published build, for example
    ``https://cdn.example.com/myapp-${PROJECT_VERSION}.apk``. Upload the package
    there before the step runs (the tool waits up to ``WAIT_TIMEOUT`` for the
    service to generate the SDK).

  ``UPLOAD oss://<bucket>/<prefix>/``
    *(genex)* Instead of ``APP_URL``: the tool uploads the built package
    (``APP_FILE``) to this OSS location when a refresh is needed, unless an
    identical object is already there, and submits a short-lived signed
    address of it (``verifysdk fetch --upload``). Needs ``OSS_REGION`` or
    ``OSS_ENDPOINT``. Exactly one of ``APP_URL`` and ``UPLOAD`` is given.

  ``UPLOAD_EXPIRES <seconds>``
    Lifetime of the signed address of the uploaded package, 1 to 604800
    seconds. Defaults to :variable:`VERIFYSDK_UPLOAD_EXPIRES`, else the tool's
    default (3600).

  ``OSS_REGION <region>``, ``OSS_ENDPOINT <url>``
    Where the bucket of ``UPLOAD`` is: a region such as ``cn-hangzhou``, or an
    OSS address. Default to :variable:`VERIFYSDK_OSS_REGION` and
    :variable:`VERIFYSDK_OSS_ENDPOINT`.

  ``DESTINATION <dir>``
    Required *(genex)*. The folder the SDK is installed into, usually
    ``${CMAKE_SOURCE_DIR}/third_party/cloudauth-offline-sdk``. A relative path
    is taken from :variable:`CMAKE_CURRENT_SOURCE_DIR`. The tool owns this
    folder: it replaces it as a whole and writes ``verifysdk.lock.json`` in it,
    and keeps its working files in ``.verifysdk/`` beside it.

  ``APP_FILE <file>``
    *(genex)* The built package the tool hashes to decide whether the SDK is
    out of date. Defaults to ``$<TARGET_FILE:<target>>``; required for a custom
    target. A relative path is taken from :variable:`CMAKE_CURRENT_BINARY_DIR`.

  ``CONFIGS <config>...``
    The configurations that refresh the SDK. Defaults to
    :variable:`VERIFYSDK_CONFIGS`, else ``Release RelWithDebInfo MinSizeRel``.
    Names compare without regard to case.

  ``PLATFORM android|ios``
    Which platform the app is for. Defaults to :variable:`VERIFYSDK_PLATFORM`;
    else ``ios`` when :variable:`CMAKE_SYSTEM_NAME` is ``iOS``; else the tool
    finds it from the package itself.

  ``PROFILE <name>``
    The credentials profile the tool reads from the credentials file. Defaults
    to :variable:`VERIFYSDK_PROFILE`.

  ``REGION <region>``
    The service region, for example ``cn-shanghai``. Defaults to
    :variable:`VERIFYSDK_REGION`, else the tool's default.

  ``ENDPOINT <url>``
    The service endpoint. Defaults to :variable:`VERIFYSDK_ENDPOINT`, else the
    tool's default (the public Cloudauth endpoint).

  ``CA_FILE <file>``
    A PEM bundle of extra certificate authorities to trust. A relative path is
    taken from :variable:`CMAKE_CURRENT_SOURCE_DIR`. Defaults to
    :variable:`VERIFYSDK_CA_FILE`.

  ``WAIT_TIMEOUT <seconds>``
    How long to wait for the service to generate the SDK: a positive whole
    number of seconds, or of minutes or hours followed by ``m`` or ``h``
    (``900``, ``15m``, ``1h``). Defaults to :variable:`VERIFYSDK_WAIT_TIMEOUT`,
    else the tool's default.

  ``ON_ERROR FAIL|WARN``
    What a failed refresh does to the build. ``FAIL`` stops it with the tool's
    message; ``WARN`` prints the message and lets the build go on with the SDK
    that is already installed (``verifysdk fetch --on-error warn``). Defaults
    to :variable:`VERIFYSDK_ON_ERROR`, else ``FAIL`` in the release
    configurations ``Release``, ``RelWithDebInfo`` and ``MinSizeRel`` and
    ``WARN`` in any other configuration listed in ``CONFIGS``.

  ``OFFLINE``
    Never use the network: only check the installed SDK against the package
    (``verifysdk fetch --offline``). Also turned on for every call by
    :variable:`VERIFYSDK_OFFLINE`.

  ``EXTRA_ARGS <arg>...``
    *(genex)* More ``verifysdk fetch`` options, passed after all others, for
    example ``--verbose`` or ``--retries 5``. :variable:`VERIFYSDK_EXTRA_ARGS`
    is appended after them. An option that looks like a credential is refused.

  Credentials are never arguments of this command and never cache entries: the
  tool reads them when it runs, from the environment of the build
  (``ALIBABA_CLOUD_ACCESS_KEY_ID``, ``ALIBABA_CLOUD_ACCESS_KEY_SECRET``) or from
  a credentials file. Configuration stops if such a variable is found in the
  CMake cache.

  After the call, the target property ``VERIFYSDK_DESTINATION`` of ``<target>``
  holds the absolute ``DESTINATION``.

  An unknown argument, a keyword without a value, a missing ``APP_URL`` or
  ``DESTINATION``, an unusable target or a value out of range stops
  configuration with a message that names the argument.

The tool
^^^^^^^^

The command looks for the ``verifysdk`` executable once per call, in order:

1. :variable:`VERIFYSDK_EXECUTABLE`, when set;
2. the target ``VerifySDK::verifysdk``: an imported one (from
   ``find_package(VerifySDK)``) is always used; one that is part of the same
   build (``add_subdirectory()``, ``FetchContent``) is used, and built before
   ``<target>``, unless the build is cross-compiling
   (:variable:`CMAKE_CROSSCOMPILING`, as with the Android NDK or iOS), because
   then it is built for the device and cannot run on the build machine;
3. ``find_program(verifysdk)``, which searches ``PATH`` among other places.

When none is found, configuration stops with a message that says how to
install the tool or point to it.

Cache variables
^^^^^^^^^^^^^^^

They set defaults for every call in the build, so that a CI job can change what
the step does with ``-D`` options instead of edits. An argument given to the
command wins over the variable, except for ``OFFLINE``, which either can turn on.

.. variable:: VERIFYSDK_EXECUTABLE

  Path of the ``verifysdk`` executable to run. Not set by default.

.. variable:: VERIFYSDK_CONFIGS

  Default ``CONFIGS``, a list.

.. variable:: VERIFYSDK_PLATFORM

  Default ``PLATFORM``.

.. variable:: VERIFYSDK_PROFILE

  Default ``PROFILE``.

.. variable:: VERIFYSDK_REGION

  Default ``REGION``.

.. variable:: VERIFYSDK_ENDPOINT

  Default ``ENDPOINT``; point it at a test double of the service in CI.

.. variable:: VERIFYSDK_CA_FILE

  Default ``CA_FILE``.

.. variable:: VERIFYSDK_WAIT_TIMEOUT

  Default ``WAIT_TIMEOUT``.

.. variable:: VERIFYSDK_UPLOAD_EXPIRES

  Default ``UPLOAD_EXPIRES``.

.. variable:: VERIFYSDK_OSS_REGION

  Default ``OSS_REGION``.

.. variable:: VERIFYSDK_OSS_ENDPOINT

  Default ``OSS_ENDPOINT``; point it at a test double of OSS in CI.

.. variable:: VERIFYSDK_ON_ERROR

  Default ``ON_ERROR``: ``FAIL``, ``WARN`` or empty.

.. variable:: VERIFYSDK_OFFLINE

  Boolean. When on, every call behaves as if it had ``OFFLINE``.

.. variable:: VERIFYSDK_EXTRA_ARGS

  A list of options appended to every call's ``EXTRA_ARGS``.

Examples
^^^^^^^^

Refresh the SDK after a release build of a target whose file is the app
package:

.. code-block:: cmake

  list(APPEND CMAKE_MODULE_PATH "${verifysdk_SOURCE_DIR}/cmake")
  include(VerifySDK)
  verifysdk_add_refresh(myapp
    APP_URL     "https://cdn.example.com/myapp-${PROJECT_VERSION}.apk"
    DESTINATION "${CMAKE_SOURCE_DIR}/third_party/cloudauth-offline-sdk")

The same for a package made by a custom command, with a few more options:

.. code-block:: cmake

  find_package(VerifySDK 0.1 CONFIG REQUIRED)

  add_custom_target(myapp ALL DEPENDS "${CMAKE_CURRENT_BINARY_DIR}/myapp.apk")
  verifysdk_add_refresh(myapp
    APP_URL      "https://cdn.example.com/myapp-${PROJECT_VERSION}.apk"
    APP_FILE     "${CMAKE_CURRENT_BINARY_DIR}/myapp.apk"
    DESTINATION  "${CMAKE_SOURCE_DIR}/third_party/cloudauth-offline-sdk"
    REGION       cn-shanghai
    WAIT_TIMEOUT 900
    CONFIGS      Release
    EXTRA_ARGS   --retries 5)

Let a developer without credentials build a release without failing, and point
CI at a test double of the service, without editing the project:

.. code-block:: console

  $ cmake -S . -B build -DVERIFYSDK_ON_ERROR=WARN
  $ cmake -S . -B build-ci -DVERIFYSDK_ENDPOINT=http://127.0.0.1:8080

Refresh by hand, whether or not the app changed:

.. code-block:: console

  $ cmake --build build --target myapp_verifysdk_refresh
#]=======================================================================]

include_guard(GLOBAL)

if(CMAKE_VERSION VERSION_LESS 3.21)
  message(FATAL_ERROR "VerifySDK.cmake needs CMake 3.21 or newer; this is ${CMAKE_VERSION}.")
endif()

cmake_policy(PUSH)
cmake_policy(VERSION 3.21)

set(VERIFYSDK_CONFIGS "" CACHE STRING
    "Configurations that refresh the SDK (empty: Release;RelWithDebInfo;MinSizeRel)")
set(VERIFYSDK_PLATFORM "" CACHE STRING
    "Default PLATFORM of verifysdk_add_refresh(): android, ios or empty")
set_property(CACHE VERIFYSDK_PLATFORM PROPERTY STRINGS "" android ios)
set(VERIFYSDK_PROFILE "" CACHE STRING "Default credentials PROFILE of verifysdk_add_refresh()")
set(VERIFYSDK_REGION "" CACHE STRING "Default REGION of verifysdk_add_refresh()")
set(VERIFYSDK_ENDPOINT "" CACHE STRING "Default service ENDPOINT of verifysdk_add_refresh()")
set(VERIFYSDK_CA_FILE "" CACHE FILEPATH "Default CA_FILE of verifysdk_add_refresh()")
set(VERIFYSDK_WAIT_TIMEOUT "" CACHE STRING
    "Default WAIT_TIMEOUT of verifysdk_add_refresh() (900, 15m, 1h)")
set(VERIFYSDK_UPLOAD_EXPIRES "" CACHE STRING "Default UPLOAD_EXPIRES of verifysdk_add_refresh()")
set(VERIFYSDK_OSS_REGION "" CACHE STRING "Default OSS_REGION of verifysdk_add_refresh()")
set(VERIFYSDK_OSS_ENDPOINT "" CACHE STRING "Default OSS_ENDPOINT of verifysdk_add_refresh()")
set(VERIFYSDK_ON_ERROR "" CACHE STRING
    "Default ON_ERROR of verifysdk_add_refresh(): FAIL, WARN or empty")
set_property(CACHE VERIFYSDK_ON_ERROR PROPERTY STRINGS "" FAIL WARN)
option(VERIFYSDK_OFFLINE "Never let verifysdk_add_refresh() steps use the network" OFF)
set(VERIFYSDK_EXTRA_ARGS "" CACHE STRING "Options appended to every verifysdk fetch step")
# VERIFYSDK_EXECUTABLE is deliberately not created here: it is the user's
# override, and an empty cache entry would look like one.

# Stop configuration with a message about one call.
function(_verifysdk_fail target)
  list(JOIN ARGN "" _text)
  message(FATAL_ERROR "verifysdk_add_refresh(${target}): ${_text}")
endfunction()

# A literal value placed inside a generator expression must not close it early.
function(_verifysdk_genex_literal out value)
  if(NOT value MATCHES [[\$<]])
    string(REPLACE ">" "$<ANGLE-R>" value "${value}")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# Append "<option> <value>" to the list <list_var>, unless value is empty.
function(_verifysdk_append_option list_var option value)
  if(NOT "${value}" STREQUAL "")
    _verifysdk_genex_literal(value "${value}")
    set(${list_var} ${${list_var}} "${option}" "${value}" PARENT_SCOPE)
  endif()
endfunction()

# Make a path absolute from base, unless it holds a generator expression.
function(_verifysdk_absolute out path base)
  if(NOT path MATCHES [[\$<]])
    cmake_path(ABSOLUTE_PATH path BASE_DIRECTORY "${base}" NORMALIZE)
  endif()
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

# Refuse credentials in the CMake cache: they belong in the environment.
function(_verifysdk_check_no_secrets target)
  foreach(_name IN ITEMS ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
                         ALIBABA_CLOUD_SECURITY_TOKEN VERIFYSDK_ACCESS_KEY_ID
                         VERIFYSDK_ACCESS_KEY_SECRET)
    if(DEFINED CACHE{${_name}})
      _verifysdk_fail(${target}
        "the CMake cache holds ${_name}; credentials must not be stored in the "
        "cache. Remove it (cmake -U ${_name} <build-dir>) and export it in the "
        "environment of the build instead.")
    endif()
  endforeach()
endfunction()

# Decide how to run the tool: sets <out_command> to the path or generator
# expression to run and <out_target> to a target to build first (or "").
function(_verifysdk_resolve_tool target out_command out_target)
  if(DEFINED VERIFYSDK_EXECUTABLE AND NOT "${VERIFYSDK_EXECUTABLE}" STREQUAL "")
    if(NOT EXISTS "${VERIFYSDK_EXECUTABLE}" OR IS_DIRECTORY "${VERIFYSDK_EXECUTABLE}")
      _verifysdk_fail(${target}
        "VERIFYSDK_EXECUTABLE is \"${VERIFYSDK_EXECUTABLE}\", which is not an "
        "existing file. Point it at the verifysdk executable, or unset it "
        "(cmake -U VERIFYSDK_EXECUTABLE <build-dir>) to search for the tool.")
    endif()
    set(${out_command} "${VERIFYSDK_EXECUTABLE}" PARENT_SCOPE)
    set(${out_target} "" PARENT_SCOPE)
    return()
  endif()

  set(_cross_note "")
  if(TARGET VerifySDK::verifysdk)
    set(_tool VerifySDK::verifysdk)
    get_target_property(_aliased VerifySDK::verifysdk ALIASED_TARGET)
    if(_aliased)
      set(_tool "${_aliased}")
    endif()
    get_target_property(_imported ${_tool} IMPORTED)
    if(_imported)
      set(${out_command} "$<TARGET_FILE:${_tool}>" PARENT_SCOPE)
      set(${out_target} "" PARENT_SCOPE)
      return()
    elseif(NOT CMAKE_CROSSCOMPILING)
      set(${out_command} "$<TARGET_FILE:${_tool}>" PARENT_SCOPE)
      set(${out_target} "${_tool}" PARENT_SCOPE)
      return()
    endif()
    set(_cross_note
      " verifysdk is part of this build, but the build is cross-compiling for "
      "${CMAKE_SYSTEM_NAME}, so the verifysdk it builds runs on the device, not "
      "on this machine.")
  endif()

  find_program(_verifysdk_found NAMES verifysdk NO_CACHE)
  if(_verifysdk_found)
    get_property(_reported GLOBAL PROPERTY _VERIFYSDK_REPORTED_TOOL)
    if(NOT _reported STREQUAL _verifysdk_found)
      message(STATUS "VerifySDK: using ${_verifysdk_found}")
      set_property(GLOBAL PROPERTY _VERIFYSDK_REPORTED_TOOL "${_verifysdk_found}")
    endif()
    set(${out_command} "${_verifysdk_found}" PARENT_SCOPE)
    set(${out_target} "" PARENT_SCOPE)
    return()
  endif()

  list(JOIN _cross_note "" _cross_note)
  _verifysdk_fail(${target}
    "cannot find the verifysdk tool.${_cross_note} Build and install it for this "
    "machine (cmake -S <verifysdk-source> -B build && cmake --build build && "
    "cmake --install build --prefix <prefix>), then either put <prefix>/bin on "
    "PATH, configure with -DVERIFYSDK_EXECUTABLE=<prefix>/bin/verifysdk, or "
    "call find_package(VerifySDK CONFIG REQUIRED) with <prefix> in "
    "CMAKE_PREFIX_PATH.")
endfunction()

function(verifysdk_add_refresh)
  if(ARGC LESS 1)
    message(FATAL_ERROR "verifysdk_add_refresh() needs a target name as its first argument.")
  endif()
  set(_target "${ARGV0}")
  set(_options OFFLINE)
  set(_one_value APP_URL APP_FILE DESTINATION PLATFORM PROFILE REGION ENDPOINT
                 CA_FILE WAIT_TIMEOUT ON_ERROR UPLOAD UPLOAD_EXPIRES OSS_REGION OSS_ENDPOINT)
  set(_multi_value CONFIGS EXTRA_ARGS)
  if("${_target}" IN_LIST _options OR "${_target}" IN_LIST _one_value
     OR "${_target}" IN_LIST _multi_value)
    message(FATAL_ERROR
      "verifysdk_add_refresh() needs a target name as its first argument, "
      "before ${_target}.")
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 _arg "${_options}" "${_one_value}" "${_multi_value}")

  # --- the arguments -------------------------------------------------------
  if(_arg_UNPARSED_ARGUMENTS)
    list(JOIN _arg_UNPARSED_ARGUMENTS " " _unknown)
    _verifysdk_fail(${_target} "unknown argument(s): ${_unknown}")
  endif()
  foreach(_keyword IN LISTS _arg_KEYWORDS_MISSING_VALUES)
    _verifysdk_fail(${_target} "${_keyword} needs a value.")
  endforeach()
  if(NOT "${_arg_APP_URL}" STREQUAL "" AND NOT "${_arg_UPLOAD}" STREQUAL "")
    _verifysdk_fail(${_target}
      "APP_URL and UPLOAD exclude each other: with UPLOAD the tool publishes the "
      "package and submits the address of the uploaded object.")
  endif()
  if("${_arg_APP_URL}" STREQUAL "" AND "${_arg_UPLOAD}" STREQUAL "")
    _verifysdk_fail(${_target}
      "APP_URL is required: the address the service downloads the app package from "
      "(or UPLOAD oss://<bucket>/<prefix>/ to let the tool publish it).")
  endif()
  if(NOT DEFINED _arg_DESTINATION OR "${_arg_DESTINATION}" STREQUAL "")
    _verifysdk_fail(${_target}
      "DESTINATION is required: the folder the SDK is installed into, for example "
      "\${CMAKE_SOURCE_DIR}/third_party/cloudauth-offline-sdk.")
  endif()

  # --- the target ----------------------------------------------------------
  if(NOT TARGET "${_target}")
    _verifysdk_fail(${_target}
      "target \"${_target}\" does not exist. Create it (add_executable, "
      "add_library or add_custom_target) before calling verifysdk_add_refresh().")
  endif()
  set(_real "${_target}")
  get_target_property(_aliased "${_target}" ALIASED_TARGET)
  if(_aliased)
    set(_real "${_aliased}")
  endif()
  get_target_property(_imported "${_real}" IMPORTED)
  if(_imported)
    _verifysdk_fail(${_target}
      "target \"${_target}\" is IMPORTED: it is not built here, so nothing can "
      "run after it is built.")
  endif()
  get_target_property(_type "${_real}" TYPE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    _verifysdk_fail(${_target}
      "target \"${_target}\" is an INTERFACE library: it builds no file to run after.")
  endif()
  get_target_property(_target_dir "${_real}" SOURCE_DIR)
  if(NOT _target_dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    _verifysdk_fail(${_target}
      "target \"${_target}\" was created in ${_target_dir}; call "
      "verifysdk_add_refresh() in that directory (add_custom_command(TARGET) "
      "only accepts targets of the current directory).")
  endif()
  if(TARGET "${_real}_verifysdk_refresh")
    _verifysdk_fail(${_target}
      "target \"${_real}_verifysdk_refresh\" already exists: "
      "verifysdk_add_refresh() was called for this target before.")
  endif()
  if(NOT DEFINED _arg_APP_FILE OR "${_arg_APP_FILE}" STREQUAL "")
    if(_type STREQUAL "UTILITY")
      _verifysdk_fail(${_target}
        "APP_FILE is required: \"${_target}\" is a custom target, which has no "
        "TARGET_FILE; name the app package it builds.")
    endif()
    set(_arg_APP_FILE "$<TARGET_FILE:${_real}>")
  endif()

  # --- defaults from cache variables, then the values ------------------------
  foreach(_name IN ITEMS PLATFORM PROFILE REGION ENDPOINT CA_FILE WAIT_TIMEOUT ON_ERROR
                        UPLOAD_EXPIRES OSS_REGION OSS_ENDPOINT)
    if((NOT DEFINED _arg_${_name} OR "${_arg_${_name}}" STREQUAL "")
       AND NOT "${VERIFYSDK_${_name}}" STREQUAL "")
      set(_arg_${_name} "${VERIFYSDK_${_name}}")
    endif()
  endforeach()
  if(NOT _arg_CONFIGS)
    if(NOT "${VERIFYSDK_CONFIGS}" STREQUAL "")
      set(_arg_CONFIGS ${VERIFYSDK_CONFIGS})
    else()
      set(_arg_CONFIGS Release RelWithDebInfo MinSizeRel)
    endif()
  endif()
  foreach(_config IN LISTS _arg_CONFIGS)
    if(NOT _config MATCHES "^[A-Za-z0-9_]+$")
      _verifysdk_fail(${_target}
        "CONFIGS: \"${_config}\" is not a configuration name (letters, digits "
        "and _ only).")
    endif()
  endforeach()
  if(NOT DEFINED _arg_PLATFORM OR "${_arg_PLATFORM}" STREQUAL "")
    if(CMAKE_SYSTEM_NAME STREQUAL "iOS")
      set(_arg_PLATFORM ios)
    endif()
  endif()
  if(DEFINED _arg_PLATFORM AND NOT "${_arg_PLATFORM}" STREQUAL "")
    string(TOLOWER "${_arg_PLATFORM}" _arg_PLATFORM)
    if(NOT _arg_PLATFORM MATCHES "^(android|ios)$")
      _verifysdk_fail(${_target}
        "PLATFORM must be android or ios, not \"${_arg_PLATFORM}\".")
    endif()
  endif()
  if(DEFINED _arg_WAIT_TIMEOUT AND NOT "${_arg_WAIT_TIMEOUT}" STREQUAL "")
    if(NOT _arg_WAIT_TIMEOUT MATCHES "^[1-9][0-9]*[smh]?$")
      _verifysdk_fail(${_target}
        "WAIT_TIMEOUT must be a positive whole number of seconds, or of "
        "minutes or hours with an m or h after it (900, 15m, 1h), not "
        "\"${_arg_WAIT_TIMEOUT}\".")
    endif()
  endif()
  if(NOT "${_arg_UPLOAD}" STREQUAL "")
    if("${_arg_OSS_REGION}" STREQUAL "" AND "${_arg_OSS_ENDPOINT}" STREQUAL "")
      _verifysdk_fail(${_target}
        "UPLOAD needs OSS_REGION (for example cn-hangzhou) or OSS_ENDPOINT.")
    endif()
    if(NOT "${_arg_UPLOAD_EXPIRES}" STREQUAL "" AND NOT _arg_UPLOAD_EXPIRES MATCHES "^[1-9][0-9]*$")
      _verifysdk_fail(${_target}
        "UPLOAD_EXPIRES must be a positive whole number of seconds, not "
        "\"${_arg_UPLOAD_EXPIRES}\".")
    endif()
  else()
    # Without UPLOAD the OSS settings (perhaps cache defaults) do not apply.
    set(_arg_UPLOAD_EXPIRES "")
    set(_arg_OSS_REGION "")
    set(_arg_OSS_ENDPOINT "")
  endif()
  if(DEFINED _arg_ON_ERROR AND NOT "${_arg_ON_ERROR}" STREQUAL "")
    string(TOUPPER "${_arg_ON_ERROR}" _on_error)
    if(NOT _on_error MATCHES "^(FAIL|WARN)$")
      _verifysdk_fail(${_target} "ON_ERROR must be FAIL or WARN, not \"${_arg_ON_ERROR}\".")
    endif()
    string(TOLOWER "${_on_error}" _on_error)
  else()
    set(_on_error "$<IF:$<CONFIG:Release,RelWithDebInfo,MinSizeRel>,fail,warn>")
  endif()
  set(_extra ${_arg_EXTRA_ARGS} ${VERIFYSDK_EXTRA_ARGS})
  foreach(_extra_arg IN LISTS _extra)
    string(TOLOWER "${_extra_arg}" _lower)
    if(_lower MATCHES "^-.*(access[-_]?key|secret|security[-_]?token|password)")
      _verifysdk_fail(${_target}
        "EXTRA_ARGS: \"${_extra_arg}\" looks like a credential. Credentials are "
        "never passed on the command line: export ALIBABA_CLOUD_ACCESS_KEY_ID and "
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET in the build's environment or use a "
        "credentials file (PROFILE).")
    endif()
  endforeach()
  _verifysdk_check_no_secrets(${_target})

  _verifysdk_absolute(_destination "${_arg_DESTINATION}" "${CMAKE_CURRENT_SOURCE_DIR}")
  _verifysdk_absolute(_app_file "${_arg_APP_FILE}" "${CMAKE_CURRENT_BINARY_DIR}")

  # --- the tool and its command line ------------------------------------------
  _verifysdk_resolve_tool(${_target} _tool _tool_target)
  _verifysdk_genex_literal(_tool "${_tool}")

  set(_args fetch)
  _verifysdk_append_option(_args --app-url "${_arg_APP_URL}")
  _verifysdk_append_option(_args --upload "${_arg_UPLOAD}")
  _verifysdk_append_option(_args --upload-expires "${_arg_UPLOAD_EXPIRES}")
  _verifysdk_append_option(_args --oss-region "${_arg_OSS_REGION}")
  _verifysdk_append_option(_args --oss-endpoint "${_arg_OSS_ENDPOINT}")
  _verifysdk_append_option(_args --app-file "${_app_file}")
  _verifysdk_append_option(_args --dest "${_destination}")
  if(DEFINED _arg_CA_FILE AND NOT "${_arg_CA_FILE}" STREQUAL "")
    _verifysdk_absolute(_arg_CA_FILE "${_arg_CA_FILE}" "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  _verifysdk_append_option(_args --platform "${_arg_PLATFORM}")
  _verifysdk_append_option(_args --profile "${_arg_PROFILE}")
  _verifysdk_append_option(_args --region "${_arg_REGION}")
  _verifysdk_append_option(_args --endpoint "${_arg_ENDPOINT}")
  _verifysdk_append_option(_args --ca-file "${_arg_CA_FILE}")
  _verifysdk_append_option(_args --wait-timeout "${_arg_WAIT_TIMEOUT}")
  if(_arg_OFFLINE OR VERIFYSDK_OFFLINE)
    list(APPEND _args --offline)
  endif()
  set(_extra_escaped "")
  foreach(_extra_arg IN LISTS _extra)
    _verifysdk_genex_literal(_extra_arg "${_extra_arg}")
    list(APPEND _extra_escaped "${_extra_arg}")
  endforeach()

  # After a build in one of CONFIGS: refresh when the package changed. In any
  # other configuration the whole command evaluates to nothing.
  list(JOIN _arg_CONFIGS "," _config_list)
  set(_post_build "${_tool}" ${_args} --on-error "${_on_error}" ${_extra_escaped})
  add_custom_command(TARGET "${_real}" POST_BUILD
    COMMAND "$<$<CONFIG:${_config_list}>:${_post_build}>"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    COMMAND_EXPAND_LISTS
    USES_TERMINAL
    VERBATIM)

  # By hand: build the app, then refresh whatever the package.
  add_custom_target("${_real}_verifysdk_refresh"
    COMMAND "${_tool}" ${_args} --refresh always --on-error fail ${_extra_escaped}
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    COMMENT "Refreshing the Cloudauth offline SDK of ${_target} in ${_destination}"
    COMMAND_EXPAND_LISTS
    USES_TERMINAL
    VERBATIM)
  add_dependencies("${_real}_verifysdk_refresh" "${_real}")
  set_property(TARGET "${_real}_verifysdk_refresh" PROPERTY FOLDER "VerifySDK")
  if(_tool_target)
    add_dependencies("${_real}" "${_tool_target}")
    add_dependencies("${_real}_verifysdk_refresh" "${_tool_target}")
  endif()

  # Ninja holds a step's output back unless it runs in the console pool. A
  # custom target's POST_BUILD steps get it from USES_TERMINAL above; those of
  # an executable or library are part of its link step.
  if(CMAKE_GENERATOR MATCHES "Ninja" AND NOT _type STREQUAL "UTILITY")
    get_target_property(_pool "${_real}" JOB_POOL_LINK)
    if(NOT _pool)
      set_property(TARGET "${_real}" PROPERTY JOB_POOL_LINK console)
    endif()
  endif()

  set_property(TARGET "${_real}" PROPERTY VERIFYSDK_DESTINATION "${_destination}")
endfunction()

cmake_policy(POP)
