"""Run in a child process by test_llm.py: one question through the in-process `local` answerer (llama.cpp) over
an existing index, the Answer printed as JSON. A native crash here ends this process only."""

import sys

from app.assistant import Assistant
from app.settings import Settings

if __name__ == "__main__":
    home, question = sys.argv[1], sys.argv[2]
    answer = Assistant(Settings(home=home)).ask(question, answerer="local")
    print(answer.to_json())
