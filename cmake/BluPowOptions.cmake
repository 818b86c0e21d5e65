# One INTERFACE target carries warnings, Qt safety defines and sanitizer flags for every target
# of the project (the qBittorrent pattern): nothing sets flags globally.
add_library(blupow_options INTERFACE)
add_library(BluPow::options ALIAS blupow_options)

target_compile_features(blupow_options INTERFACE cxx_std_20)

target_compile_options(blupow_options INTERFACE
    -Wall -Wextra -Wpedantic
    -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wconversion -Wformat=2
    -Wimplicit-fallthrough -Wmissing-declarations -Wundef)
if(BLUPOW_WERROR)
    target_compile_options(blupow_options INTERFACE -Werror)
endif()

target_compile_definitions(blupow_options INTERFACE
    QT_NO_KEYWORDS
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    BLUPOW_VERSION="${PROJECT_VERSION}")

if(BLUPOW_SANITIZE)
    target_compile_options(blupow_options INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(blupow_options INTERFACE -fsanitize=address,undefined)
endif()
