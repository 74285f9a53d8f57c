#!/usr/bin/env python3
"""A TCP proxy that delays every byte by a fixed time in each direction, without limiting throughput.

    delay_proxy.py LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS

With DELAY_MS=10 a round trip through it takes 20 ms longer: a database "far away" on loopback, for the benchmark.
Each direction forwards chunks in order, each no sooner than DELAY_MS after it arrived.
"""
import asyncio
import sys


async def pump(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read():
        while True:
            data = await reader.read(65536)
            await queue.put((loop.time() + delay, data))
            if not data:
                return

    async def write():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(read(), write())
    except (ConnectionError, asyncio.CancelledError):
        writer.close()


async def main(listen_port, host, port, delay):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(host, port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, delay), pump(server_reader, client_writer, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    listen, host, port, delay_ms = sys.argv[1:5]
    asyncio.run(main(int(listen), host, int(port), int(delay_ms) / 1000.0))
